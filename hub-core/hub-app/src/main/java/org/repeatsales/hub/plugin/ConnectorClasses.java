package org.repeatsales.hub.plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.type.ClassMetadata;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;

/**
 * Whether a plugin on disk offers channel connectors, read from its extension index and class files
 * without loading a class: a plugin that failed to start, or is disabled, cannot be asked, yet the
 * channels page must show that a channel is missing because of it.
 */
final class ConnectorClasses {

    private static final String INDEX = "META-INF/extensions.idx";

    private ConnectorClasses() {
    }

    /**
     * @param plugin an expanded plugin folder ({@code classes/}, {@code lib/*.jar}) or a plugin jar
     * @return whether one of its extensions implements {@link ChannelConnector}; false when the
     *     plugin cannot be read
     */
    static boolean offered(Path plugin) {
        if (!Files.exists(plugin)) {
            return false;
        }
        try (URLClassLoader files = new URLClassLoader(urls(plugin), null)) {
            MetadataReaderFactory classes = new SimpleMetadataReaderFactory(new DefaultResourceLoader(files));
            for (String extension : extensions(files)) {
                if (implementsConnector(extension, classes, new HashSet<>())) {
                    return true;
                }
            }
            return false;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static URL[] urls(Path plugin) throws IOException {
        List<URL> urls = new ArrayList<>();
        if (Files.isDirectory(plugin)) {
            urls.add(url(plugin.resolve("classes")));
            Path lib = plugin.resolve("lib");
            if (Files.isDirectory(lib)) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar")) {
                    for (Path jar : jars) {
                        urls.add(url(jar));
                    }
                }
            }
        } else {
            urls.add(url(plugin));
        }
        return urls.toArray(URL[]::new);
    }

    private static URL url(Path p) throws MalformedURLException {
        return p.toUri().toURL();
    }

    /** Class names in the plugin's own extension indexes (PF4J's annotation processor writes them). */
    private static List<String> extensions(URLClassLoader files) throws IOException {
        List<String> names = new ArrayList<>();
        Enumeration<URL> indexes = files.findResources(INDEX);
        while (indexes.hasMoreElements()) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(indexes.nextElement().openStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String name = line.strip();
                    if (!name.isEmpty() && !name.startsWith("#")) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    private static boolean implementsConnector(String className, MetadataReaderFactory classes, Set<String> seen) {
        if (className.equals(ChannelConnector.class.getName())) {
            return true;
        }
        if (className.startsWith("java.") || !seen.add(className)) {
            return false;
        }
        ClassMetadata type;
        try {
            type = classes.getMetadataReader(className).getClassMetadata();
        } catch (IOException e) {
            // not in the plugin (a hub-api or JDK type other than the connector contract)
            return false;
        }
        for (String implemented : type.getInterfaceNames()) {
            if (implementsConnector(implemented, classes, seen)) {
                return true;
            }
        }
        return type.hasSuperClass() && implementsConnector(type.getSuperClassName(), classes, seen);
    }
}
