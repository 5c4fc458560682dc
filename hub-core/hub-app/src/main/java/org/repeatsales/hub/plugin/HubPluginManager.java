package org.repeatsales.hub.plugin;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.function.Function;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFactory;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;
import org.repeatsales.hub.api.HubApi;
import org.repeatsales.hub.api.PluginContext;

/**
 * PF4J's manager with the hub's contract version and extensions that receive a
 * {@link PluginContext} through their constructor. Plugins are loaded one path at a time by
 * {@link PluginRegistry}; the root folder only holds PF4J's enabled/disabled lists.
 */
class HubPluginManager extends DefaultPluginManager {

    private final Function<String, PluginContext> contexts;

    HubPluginManager(Path root, Function<String, PluginContext> contexts) {
        super(root);
        this.contexts = contexts;
        setSystemVersion(HubApi.VERSION);
    }

    /** Remembers (in PF4J's list in the plugin folder) that the plugin stays off, loaded or not. */
    void markDisabled(String pluginId) {
        pluginStatusProvider.disablePlugin(pluginId);
    }

    void markEnabled(String pluginId) {
        pluginStatusProvider.enablePlugin(pluginId);
    }

    @Override
    protected ExtensionFactory createExtensionFactory() {
        return new ContextExtensionFactory();
    }

    /** Prefers a constructor taking the plugin's context, falls back to the no-argument one. */
    private final class ContextExtensionFactory implements ExtensionFactory {

        @Override
        public <T> T create(Class<T> extensionClass) {
            try {
                PluginWrapper plugin = whichPlugin(extensionClass);
                String pluginId = plugin == null ? "system" : plugin.getPluginId();
                try {
                    Constructor<T> withContext = extensionClass.getConstructor(PluginContext.class);
                    return withContext.newInstance(contexts.apply(pluginId));
                } catch (NoSuchMethodException e) {
                    return extensionClass.getConstructor().newInstance();
                }
            } catch (InvocationTargetException e) {
                throw new PluginRuntimeException(e.getCause(), "Extension {} failed in its constructor: {}",
                        extensionClass.getName(), String.valueOf(e.getCause()));
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new PluginRuntimeException(e, "Cannot create extension {}: {}", extensionClass.getName(), String.valueOf(e));
            }
        }
    }
}
