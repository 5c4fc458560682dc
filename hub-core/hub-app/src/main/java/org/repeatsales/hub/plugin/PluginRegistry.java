package org.repeatsales.hub.plugin;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginWrapper;
import org.repeatsales.hub.api.HubApi;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.repeatsales.hub.api.channel.Readiness;
import org.repeatsales.hub.api.segment.Parameters;
import org.repeatsales.hub.api.segment.SegmentationStrategy;
import org.repeatsales.hub.config.HubProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

/**
 * The plugins of the plugin folder: loads a zip (or jar) dropped there while the hub runs, stops
 * and unloads one whose file is removed, and keeps a readable reason for each that cannot be used.
 * A failing plugin never stops the hub or the other plugins.
 *
 * <p>Zips are expanded into {@code .expanded/} inside the folder (PF4J loads a plugin from a
 * directory); the folder itself holds only what admins put there, plus PF4J's {@code disabled.txt}.
 * Strategies are used under a read lock and plugins change under the write lock, so a plugin is
 * never unloaded in the middle of a refresh that uses it.
 */
@Service
public class PluginRegistry {

    private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);
    private static final String EXPANDED = ".expanded";

    private final Path dir;
    private final HubPluginManager manager;
    private final long pollMillis;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /**
     * By file name. Changed only in {@code synchronized} methods and under the write lock, so a
     * scan that finds nothing to do never waits for a refresh holding the read lock.
     */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** What the API lists, replaced after every change: listing never waits for a lock. */
    private volatile List<PluginView> views = List.of();
    /**
     * The connectors (id and channel) each plugin offered when it last started in this process, so
     * that once it failed or was disabled the channels list still names them.
     */
    private final Map<String, Map<String, Channel>> lastOffered = new java.util.concurrent.ConcurrentHashMap<>();
    /** Files seen in the previous scan with their size and time: loaded once they stop changing. */
    private final Map<String, Stamp> lastSeen = new HashMap<>();
    private ScheduledExecutorService watcher;

    @Autowired
    public PluginRegistry(HubProperties hub, Environment environment) {
        this(hub.pluginsDir(), hub.plugins().pollMillis(), pluginId -> new PluginContext(pluginId,
                Binder.get(environment).bind("hub.plugins." + pluginId, Bindable.mapOf(String.class, String.class)).orElse(Map.of()),
                Clock.systemDefaultZone(), System.getLogger("plugin." + pluginId)));
    }

    PluginRegistry(Path dir, long pollMillis, Function<String, PluginContext> contexts) {
        this.dir = dir.toAbsolutePath();
        this.pollMillis = pollMillis;
        try {
            // unpacked copies are rebuilt from the zips at every start; stale ones would only mislead
            deleteTree(this.dir.resolve(EXPANDED));
            Files.createDirectories(this.dir.resolve(EXPANDED));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the plugin folder " + this.dir, e);
        }
        this.manager = new HubPluginManager(this.dir, contexts);
    }

    /** Loads what is in the folder now, then watches it; before the other listeners of a ready hub (the demo's loader). */
    @EventListener(ApplicationReadyEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void start() {
        scan(true, null);
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plugin-folder");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(() -> {
            try {
                scan(false, null);
            } catch (RuntimeException e) {
                log.error("Scanning the plugin folder {} failed", dir, e);
            }
        }, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        log.info("Plugin folder {}: {} plugin(s), hub-api {}", dir, entries.size(), HubApi.VERSION);
    }

    @PreDestroy
    synchronized void stop() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        lock.writeLock().lock();
        try {
            for (Entry e : List.copyOf(entries.values())) {
                unload(e);
            }
            entries.clear();
        } finally {
            lock.writeLock().unlock();
        }
        publish();
    }

    private void publish() {
        views = entries.values().stream().map(Entry::view).sorted(Comparator.comparing(PluginView::id)).toList();
    }

    public Path folder() {
        return dir;
    }

    /**
     * Brings the loaded plugins in line with the folder. One scan at a time (the watcher and uploads).
     *
     * @param all load files even if they appeared only now (at start)
     * @param whole a file known to be complete although it appeared only now (an upload moved into
     *     place in one rename), or null
     */
    synchronized void scan(boolean all, String whole) {
        Map<String, Stamp> now = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PluginRegistry::isPluginFile)) {
            for (Path f : files) {
                now.put(f.getFileName().toString(), new Stamp(Files.size(f), Files.getLastModifiedTime(f).toMillis()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the plugin folder " + dir, e);
        }
        List<String> removed = entries.keySet().stream().filter(name -> !now.containsKey(name)).toList();
        // new or changed files, once they stayed the same since the previous scan (not mid-copy)
        List<String> toLoad = now.entrySet().stream()
                .filter(f -> entries.get(f.getKey()) == null || !entries.get(f.getKey()).stamp.equals(f.getValue()))
                .filter(f -> all || f.getKey().equals(whole) || f.getValue().equals(lastSeen.get(f.getKey())))
                .map(Map.Entry::getKey).sorted().toList();
        lastSeen.clear();
        lastSeen.putAll(now);
        if (removed.isEmpty() && toLoad.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            for (String name : removed) {
                log.info("Plugin file {} removed: unloading", name);
                unload(entries.remove(name));
                deleteExpanded(name);
            }
            for (String name : toLoad) {
                Entry known = entries.get(name);
                if (known != null) {
                    log.info("Plugin file {} changed: reloading", name);
                    unload(known);
                }
                entries.put(name, load(dir.resolve(name), now.get(name)));
            }
        } finally {
            lock.writeLock().unlock();
        }
        publish();
    }

    private static boolean isPluginFile(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (name.endsWith(".zip") || name.endsWith(".jar")) && Files.isRegularFile(p);
    }

    private Entry load(Path file, Stamp stamp) {
        String name = file.getFileName().toString();
        Entry entry = new Entry(name, stamp);
        try {
            Path pluginPath = name.toLowerCase(Locale.ROOT).endsWith(".zip") ? expand(file) : file;
            String id = manager.loadPlugin(pluginPath);
            entry.pluginId = id;
            PluginWrapper plugin = manager.getPlugin(id);
            describe(entry, plugin.getDescriptor());
            String requires = plugin.getDescriptor().getRequires();
            if (!compatible(requires)) {
                return fail(entry, "Requires hub-api " + requires + ", this hub implements " + HubApi.VERSION);
            }
            if (plugin.getPluginState() == org.pf4j.PluginState.DISABLED) {
                entry.state = PluginState.DISABLED;
                log.info("Plugin {} ({}) is disabled", id, name);
                return entry;
            }
            return startAndCheck(entry);
        } catch (RuntimeException | LinkageError e) {
            return fail(entry, readable(e));
        }
    }

    private Entry startAndCheck(Entry entry) {
        String id = entry.pluginId;
        try {
            manager.startPlugin(id);
        } catch (RuntimeException | LinkageError e) {
            return fail(entry, "Failed to start: " + readable(e));
        }
        if (manager.getPlugin(id).getPluginState() != org.pf4j.PluginState.STARTED) {
            Throwable cause = manager.getPlugin(id).getFailedException();
            return fail(entry, "Failed to start" + (cause == null ? "" : ": " + readable(cause)));
        }
        List<String> extensions = new ArrayList<>();
        Map<String, SegmentationStrategy> strategies = new LinkedHashMap<>();
        Map<String, ChannelConnector> connectors = new LinkedHashMap<>();
        Map<String, Channel> offered = new LinkedHashMap<>();
        ClassLoader loader = manager.getPluginClassLoader(id);
        for (String className : manager.getExtensionClassNames(id)) {
            extensions.add(className);
            try {
                Class<?> type = Class.forName(className, true, loader);
                if (SegmentationStrategy.class.isAssignableFrom(type)) {
                    SegmentationStrategy strategy = (SegmentationStrategy) manager.getExtensionFactory().create(type);
                    check(strategy);
                    SegmentationStrategy other = strategy(strategy.id());
                    if (other != null || strategies.containsKey(strategy.id())) {
                        return fail(entry, "Strategy '" + strategy.id() + "' is already offered by another plugin");
                    }
                    strategies.put(strategy.id(), strategy);
                }
                if (ChannelConnector.class.isAssignableFrom(type)) {
                    ChannelConnector connector = (ChannelConnector) manager.getExtensionFactory().create(type);
                    // connectors are kept even when not ready: the admin page shows the reason
                    connectors.put(connector.id(), connector);
                    offered.put(connector.id(), connector.channel());
                    if (connector(connector.id()) != null) {
                        entry.connectors = connectors;
                        return fail(entry, "Connector '" + connector.id() + "' is already offered by another plugin");
                    }
                }
            } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
                return fail(entry, "Extension " + className + ": " + readable(e));
            }
        }
        if (extensions.isEmpty()) {
            log.warn("Plugin {} offers no extension (was it built with pf4j's annotation processor?)", id);
        }
        entry.extensions = List.copyOf(extensions);
        entry.strategies = strategies;
        entry.connectors = connectors;
        entry.state = PluginState.STARTED;
        lastOffered.put(id, Map.copyOf(offered));
        entry.reason = null;
        log.info("Plugin {} {} started with strategies {} and connectors {}", id, entry.version, strategies.keySet(),
                connectors.keySet());
        return entry;
    }

    /** Calls what listing and validating need, so a strategy that throws there fails at load, not later. */
    private static void check(SegmentationStrategy s) {
        if (s.id() == null || !s.id().matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalStateException("strategy id '" + s.id() + "' must be lower-case letters, digits and dashes");
        }
        if (s.id().equals("rules")) {
            throw new IllegalStateException("strategy id 'rules' is reserved for the hub's rule-based segments");
        }
        s.name();
        s.description();
        Parameters defaults = Parameters.resolve(s.parameters(), Map.of());
        s.validate(defaults);
        if (s.cells(defaults).isEmpty()) {
            throw new IllegalStateException("strategy '" + s.id() + "' declares no cells");
        }
    }

    private boolean compatible(String requires) {
        try {
            return requires == null || requires.isBlank() || requires.equals("*")
                    || manager.getVersionManager().checkVersionConstraint(HubApi.VERSION,
                    requires.matches("\\d+\\.\\d+\\.\\d+") ? ">=" + requires : requires);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Entry fail(Entry entry, String reason) {
        log.warn("Plugin file {} failed: {}", entry.file, reason);
        unload(entry);
        entry.state = PluginState.FAILED;
        entry.reason = reason;
        entry.strategies = Map.of();
        return entry;
    }

    private void unload(Entry entry) {
        entry.strategies = Map.of();
        for (ChannelConnector c : entry.connectors.values()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.warn("Closing connector {} of plugin {} failed: {}", c.id(), entry.pluginId, readable(e));
            }
        }
        entry.connectors = Map.of();
        if (entry.pluginId != null && manager.getPlugin(entry.pluginId) != null) {
            PluginWrapper plugin = manager.getPlugin(entry.pluginId);
            if (plugin.getPluginPath().startsWith(dir) && sameFile(plugin.getPluginPath(), entry.file)) {
                try {
                    manager.unloadPlugin(entry.pluginId);
                } catch (RuntimeException e) {
                    log.warn("Unloading plugin {} failed: {}", entry.pluginId, readable(e));
                }
            }
        }
    }

    /** True when the loaded plugin came from this file (two files may declare the same id). */
    private boolean sameFile(Path pluginPath, String file) {
        return pluginPath.equals(dir.resolve(file)) || pluginPath.equals(dir.resolve(EXPANDED).resolve(file));
    }

    private static void describe(Entry entry, PluginDescriptor d) {
        entry.version = d.getVersion();
        entry.requires = d.getRequires();
        entry.description = d.getPluginDescription();
    }

    private Path expand(Path zip) {
        Path target = dir.resolve(EXPANDED).resolve(zip.getFileName().toString());
        deleteTree(target);
        try {
            Zips.expand(zip, target);
        } catch (IOException e) {
            deleteTree(target);
            throw new IllegalArgumentException("Not a readable plugin zip: " + readable(e), e);
        }
        return target;
    }

    private void deleteExpanded(String file) {
        deleteTree(dir.resolve(EXPANDED).resolve(file));
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }

    private static String readable(Throwable e) {
        Throwable t = e;
        StringBuilder message = new StringBuilder();
        Set<String> seen = new HashSet<>();
        while (t != null && seen.add(String.valueOf(t.getMessage()))) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (message.indexOf(m) < 0) {
                message.append(message.length() == 0 ? "" : ": ").append(m);
            }
            t = t.getCause();
        }
        return message.toString();
    }

    // ---- what the API and the segments use ----

    public List<PluginView> list() {
        return views;
    }

    /** A plugin by id, or by file name when its descriptor could not be read. */
    public PluginView get(String id) {
        List<PluginView> current = views;
        return current.stream().filter(v -> id.equals(v.id())).findFirst()
                .or(() -> current.stream().filter(v -> id.equals(v.file())).findFirst())
                .orElseThrow(() -> new NoSuchElementException("No plugin " + id));
    }

    /** Saves an uploaded plugin file into the folder (replacing one of the same name) and loads it. */
    public synchronized PluginView upload(String fileName, InputStream content) throws IOException {
        String name = Path.of(fileName).getFileName().toString();
        if (!isPluginName(name)) {
            throw new IllegalArgumentException("A plugin file must be a .zip or .jar, got '" + name + "'");
        }
        Path tmp = dir.resolve(".upload-" + UUID.randomUUID() + ".tmp");
        try {
            Files.copy(content, tmp);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        scan(false, name);
        return entries.get(name).view();
    }

    private static boolean isPluginName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !lower.startsWith(".") && (lower.endsWith(".zip") || lower.endsWith(".jar"));
    }

    public synchronized PluginView enable(String id) {
        return change(id, entry -> {
            manager.markEnabled(entry.pluginId == null ? id : entry.pluginId);
            unload(entry);
            return load(dir.resolve(entry.file), entry.stamp);
        });
    }

    /** Stops and unloads the plugin; it stays disabled (also after a restart) until enabled. */
    public synchronized PluginView disable(String id) {
        return change(id, entry -> {
            if (entry.pluginId == null) {
                throw new IllegalArgumentException("Plugin file " + entry.file + " could not be read; delete it instead");
            }
            unload(entry);
            manager.markDisabled(entry.pluginId);
            entry.state = PluginState.DISABLED;
            entry.reason = null;
            log.info("Plugin {} disabled", entry.pluginId);
            return entry;
        });
    }

    public synchronized PluginView reload(String id) {
        return change(id, entry -> {
            unload(entry);
            return load(dir.resolve(entry.file), entry.stamp);
        });
    }

    public synchronized void delete(String id) {
        lock.writeLock().lock();
        try {
            Entry entry = find(id);
            unload(entry);
            entries.remove(entry.file);
            Files.deleteIfExists(dir.resolve(entry.file));
            deleteExpanded(entry.file);
            log.info("Plugin {} deleted ({})", id, entry.file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the plugin file of " + id, e);
        } finally {
            lock.writeLock().unlock();
            publish();
        }
    }

    private PluginView change(String id, Function<Entry, Entry> action) {
        lock.writeLock().lock();
        try {
            Entry entry = find(id);
            Entry result = action.apply(entry);
            entries.put(result.file, result);
            return result.view();
        } finally {
            lock.writeLock().unlock();
            publish();
        }
    }

    private Entry find(String id) {
        return entries.values().stream().filter(e -> id.equals(e.pluginId)).findFirst()
                .or(() -> entries.values().stream().filter(e -> id.equals(e.file)).findFirst())
                .orElseThrow(() -> new NoSuchElementException("No plugin " + id));
    }

    /** The strategies of all started plugins. */
    public List<StrategyView> strategies() {
        lock.readLock().lock();
        try {
            List<StrategyView> result = new ArrayList<>();
            for (Entry e : entries.values()) {
                for (SegmentationStrategy s : e.strategies.values()) {
                    Parameters defaults = Parameters.resolve(s.parameters(), Map.of());
                    result.add(new StrategyView(s.id(), e.pluginId, s.name(), s.description(), s.parameters(), s.cells(defaults)));
                }
            }
            result.sort(Comparator.comparing(StrategyView::id));
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs {@code work} with a started strategy; its plugin is not unloaded until {@code work}
     * returns.
     *
     * @throws NoSuchElementException when no started plugin offers the strategy
     */
    public <T> T withStrategy(String strategyId, Function<SegmentationStrategy, T> work) {
        lock.readLock().lock();
        try {
            SegmentationStrategy strategy = strategy(strategyId);
            if (strategy == null) {
                throw new NoSuchElementException("No started plugin offers strategy '" + strategyId + "'");
            }
            return work.apply(strategy);
        } finally {
            lock.readLock().unlock();
        }
    }

    private SegmentationStrategy strategy(String strategyId) {
        for (Entry e : entries.values()) {
            SegmentationStrategy s = e.strategies.get(strategyId);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /** Ids of the connectors the started plugins offer, sorted. */
    public List<String> connectorIds() {
        lock.readLock().lock();
        try {
            return entries.values().stream().flatMap(e -> e.connectors.keySet().stream()).sorted().toList();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs {@code work} with a started connector; its plugin is not unloaded until {@code work}
     * returns.
     *
     * @throws NoSuchElementException when no started plugin offers the connector
     */
    public <T> T withConnector(String connectorId, Function<ChannelConnector, T> work) {
        lock.readLock().lock();
        try {
            ChannelConnector connector = connector(connectorId);
            if (connector == null) {
                throw new NoSuchElementException("No started plugin offers connector '" + connectorId + "'");
            }
            return work.apply(connector);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The connectors of the started plugins with their readiness, asked now (a connector whose
     * readiness throws is listed as not ready with the exception's message), and those of plugins
     * that failed or are disabled, with the plugin's state and reason: by the ids they had when
     * their plugin last started in this process, otherwise one entry for the plugin without an id
     * when its class files show it offers connectors.
     */
    public List<ConnectorView> connectors() {
        lock.readLock().lock();
        try {
            List<ConnectorView> result = new ArrayList<>();
            for (Entry e : entries.values()) {
                if (e.state == PluginState.STARTED) {
                    for (ChannelConnector c : e.connectors.values()) {
                        Readiness readiness;
                        try {
                            readiness = c.readiness();
                        } catch (RuntimeException ex) {
                            readiness = Readiness.notReady("readiness check failed: " + readable(ex));
                        }
                        result.add(new ConnectorView(c.id(), e.pluginId, c.channel(), PluginState.STARTED,
                                readiness.isReady(), readiness.reason(), c.rateLimit(), c.perAddressRateLimit(),
                                c.receivesCommands()));
                    }
                } else {
                    result.addAll(unusableConnectors(e));
                }
            }
            result.sort(Comparator.comparing(ConnectorView::id, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(ConnectorView::plugin));
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    private List<ConnectorView> unusableConnectors(Entry e) {
        String plugin = e.pluginId == null ? e.file : e.pluginId;
        String reason = e.state == PluginState.DISABLED
                ? "plugin " + plugin + " is disabled (POST /api/v1/plugins/" + plugin + "/enable)"
                : "plugin " + plugin + " failed: " + e.reason;
        Map<String, Channel> known = e.pluginId == null ? null : lastOffered.get(e.pluginId);
        if (known != null && !known.isEmpty()) {
            return known.entrySet().stream().map(c -> new ConnectorView(c.getKey(), plugin, c.getValue(), e.state, false,
                    reason, null, null, false)).toList();
        }
        if (e.offersConnectors == null) {
            Path files = e.file.toLowerCase(Locale.ROOT).endsWith(".zip") ? dir.resolve(EXPANDED).resolve(e.file)
                    : dir.resolve(e.file);
            e.offersConnectors = ConnectorClasses.offered(files);
        }
        return e.offersConnectors ? List.of(new ConnectorView(null, plugin, null, e.state, false, reason, null, null, false))
                : List.of();
    }

    /**
     * Runs {@code work} with the first ready connector of {@code channel} (by connector id), under
     * the same guarantee as {@link #withConnector}.
     *
     * @throws NoSuchElementException when no started plugin offers a ready connector for the channel
     */
    public <T> T withConnectorOf(Channel channel, Function<ChannelConnector, T> work) {
        lock.readLock().lock();
        try {
            ChannelConnector found = null;
            for (Entry e : entries.values()) {
                for (ChannelConnector c : e.connectors.values()) {
                    if (c.channel() == channel && (found == null || c.id().compareTo(found.id()) < 0)
                            && c.readiness().isReady()) {
                        found = c;
                    }
                }
            }
            if (found == null) {
                throw new NoSuchElementException("No ready connector for channel " + channel);
            }
            return work.apply(found);
        } finally {
            lock.readLock().unlock();
        }
    }

    private ChannelConnector connector(String connectorId) {
        for (Entry e : entries.values()) {
            ChannelConnector c = e.connectors.get(connectorId);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private record Stamp(long size, long modified) {
    }

    /** One file of the folder and what became of it. */
    private static final class Entry {
        final String file;
        final Stamp stamp;
        String pluginId;
        String version;
        String requires;
        String description;
        PluginState state = PluginState.FAILED;
        String reason;
        List<String> extensions = List.of();
        Map<String, SegmentationStrategy> strategies = Map.of();
        Map<String, ChannelConnector> connectors = Map.of();
        /** Read from the plugin's class files the first time it is listed while not started. */
        volatile Boolean offersConnectors;

        Entry(String file, Stamp stamp) {
            this.file = file;
            this.stamp = stamp;
        }

        PluginView view() {
            return new PluginView(pluginId == null ? file : pluginId, file, version, requires, description, state, reason,
                    extensions, List.copyOf(strategies.keySet()));
        }
    }
}
