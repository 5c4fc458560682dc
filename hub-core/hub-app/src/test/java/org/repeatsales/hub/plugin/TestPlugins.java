package org.repeatsales.hub.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.pf4j.Extension;
import org.repeatsales.hub.api.HubApi;

/**
 * Builds plugin zips at test time the way the plugins/ build does: sources compiled against hub-api
 * and pf4j with pf4j's extension indexer, packed with a plugin.properties into classes/.
 */
public final class TestPlugins {

    /** A strategy: "one" for clients with one purchase, "many" for more; it takes its context. */
    public static final String PURCHASES_STRATEGY = """
            package test.purchases;

            import java.util.List;
            import org.pf4j.Extension;
            import org.repeatsales.hub.api.Label;
            import org.repeatsales.hub.api.PluginContext;
            import org.repeatsales.hub.api.segment.*;

            @Extension
            public class PurchasesStrategy implements SegmentationStrategy {
                private final PluginContext context;

                public PurchasesStrategy(PluginContext context) {
                    this.context = context;
                }

                public String id() { return "test-purchases"; }

                public Label name() { return Label.of("Покупки (" + context.pluginId() + ")", "Purchases"); }

                public List<ParameterSpec> parameters() {
                    return List.of(ParameterSpec.integer("manyFrom", 2, 2L, 100L, Label.of("Много покупок от", "Many from")));
                }

                public List<Cell> cells(Parameters p) {
                    return List.of(Cell.of("one", "Разовые", "One-time"), Cell.of("many", "Многократные", "Repeat"));
                }

                public void segment(SegmentationContext ctx, ClientStream clients, SegmentAssignments out) {
                    long manyFrom = ctx.parameters().integer("manyFrom");
                    try (ClientStream.Cursor c = clients.open()) {
                        while (c.hasNext()) {
                            ClientFacts f = c.next();
                            if (f.purchases() >= manyFrom) {
                                out.assign(f.clientId(), "many");
                            } else if (f.purchases() > 0) {
                                out.assign(f.clientId(), "one");
                            }
                        }
                    }
                }
            }
            """;

    /**
     * A strategy that puts every buyer into one cell, except for a refresh computed for 2030 or later:
     * then it gives up after assigning one client (a refresh of the same segment can be made to fail).
     */
    public static final String THROWING_REFRESH_STRATEGY = """
            package test.throwing;

            import java.util.List;
            import org.pf4j.Extension;
            import org.repeatsales.hub.api.Label;
            import org.repeatsales.hub.api.segment.*;

            @Extension
            public class HalfwayStrategy implements SegmentationStrategy {
                public String id() { return "test-halfway"; }
                public Label name() { return Label.of("Ломается на полпути", "Fails halfway"); }
                public List<ParameterSpec> parameters() { return List.of(); }
                public List<Cell> cells(Parameters p) { return List.of(Cell.of("all", "Все", "All")); }
                public void segment(SegmentationContext ctx, ClientStream clients, SegmentAssignments out) {
                    boolean fail = ctx.today().getYear() >= 2030;
                    try (ClientStream.Cursor c = clients.open()) {
                        while (c.hasNext()) {
                            ClientFacts f = c.next();
                            if (f.purchases() > 0) {
                                out.assign(f.clientId(), "all");
                                if (fail) {
                                    throw new IllegalStateException("strategy gave up halfway");
                                }
                            }
                        }
                    }
                }
            }
            """;

    /** An extension whose constructor throws: the plugin must end in state failed. */
    public static final String THROWING_CONSTRUCTOR_STRATEGY = """
            package test.boom;

            import java.util.List;
            import org.pf4j.Extension;
            import org.repeatsales.hub.api.Label;
            import org.repeatsales.hub.api.segment.*;

            @Extension
            public class BoomStrategy implements SegmentationStrategy {
                public BoomStrategy() { throw new IllegalStateException("boom in constructor"); }
                public String id() { return "test-boom"; }
                public Label name() { return Label.of("Бум", "Boom"); }
                public List<ParameterSpec> parameters() { return List.of(); }
                public List<Cell> cells(Parameters p) { return List.of(); }
                public void segment(SegmentationContext ctx, ClientStream clients, SegmentAssignments out) { }
            }
            """;

    private TestPlugins() {
    }

    /**
     * Compiles {@code sources} (class name to source) and packs them with a plugin.properties.
     *
     * @return the zip, in {@code work}
     */
    public static Path build(Path work, String pluginId, String requires, Map<String, String> sources) {
        return build(work, pluginId, requires, sources, Map.of());
    }

    /**
     * Like {@link #build(Path, String, String, Map)}, with {@code libSources} compiled into
     * {@code lib/<pluginId>-lib.jar}: a library the plugin brings with it.
     */
    public static Path build(Path work, String pluginId, String requires, Map<String, String> sources, Map<String, String> libSources) {
        try {
            String classpath = location(HubApi.class) + java.io.File.pathSeparator + location(Extension.class);
            Path libJar = null;
            if (!libSources.isEmpty()) {
                Path libClasses = compile(work.resolve(pluginId + "-lib"), classpath, libSources, false);
                libJar = work.resolve(pluginId + "-lib.jar");
                try (OutputStream out = Files.newOutputStream(libJar); ZipOutputStream z = new ZipOutputStream(out)) {
                    addTree(z, libClasses, "");
                }
                classpath += java.io.File.pathSeparator + libJar;
            }
            Path classes = compile(work.resolve(pluginId), classpath, sources, true);
            Path zip = work.resolve(pluginId + ".zip");
            try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
                z.putNextEntry(new ZipEntry("plugin.properties"));
                z.write(("plugin.id=" + pluginId + "\nplugin.version=1.0.0\nplugin.requires=" + requires
                        + "\nplugin.provider=tests\nplugin.description=built by a test\n").getBytes(StandardCharsets.UTF_8));
                addTree(z, classes, "classes/");
                if (libJar != null) {
                    z.putNextEntry(new ZipEntry("lib/" + libJar.getFileName()));
                    z.write(Files.readAllBytes(libJar));
                }
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path compile(Path base, String classpath, Map<String, String> sources, boolean extensions) throws IOException {
        Path src = Files.createDirectories(base.resolveSibling(base.getFileName() + "-src"));
        Path classes = Files.createDirectories(base.resolveSibling(base.getFileName() + "-classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-implicit:class", "-classpath", classpath,
                "-d", classes.toString()));
        if (extensions) {
            args.addAll(List.of("-processor", "org.pf4j.processor.ExtensionAnnotationProcessor"));
        } else {
            args.add("-proc:none");
        }
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path file = src.resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("Test sources for " + base.getFileName() + " do not compile");
        }
        if (extensions && !Files.exists(classes.resolve("META-INF/extensions.idx"))) {
            throw new IllegalStateException("pf4j's annotation processor wrote no extensions.idx");
        }
        return classes;
    }

    private static void addTree(ZipOutputStream z, Path root, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(prefix + root.relativize(f).toString().replace('\\', '/')));
                z.write(Files.readAllBytes(f));
            }
        }
    }

    /** The source of a bundled strategy from plugins/, to build it into a test plugin. */
    public static Map<String, String> bundled(String module, String className) {
        return bundled(module, module, className);
    }

    /** As {@link #bundled(String, String)} for a module whose package differs from its folder. */
    public static Map<String, String> bundled(String module, String packageSuffix, String className) {
        String packageName = "org.repeatsales.hub.plugins." + packageSuffix;
        Path source = Path.of("../../plugins", module, "src/main/java", packageName.replace('.', '/'), className + ".java");
        try {
            return Map.of(packageName + "." + className, Files.readString(source));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source.toAbsolutePath(), e);
        }
    }

    /** The zip of a bundled connector plugin ({@code email}, {@code sms}, ...) as connectors/ builds it. */
    public static Path connectorZip(String pluginId) {
        Path dist = Path.of("../../connectors/target/dist");
        try (DirectoryStream<Path> zips = Files.newDirectoryStream(dist, pluginId + "-*.zip")) {
            for (Path zip : zips) {
                return zip;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dist.toAbsolutePath(), e);
        }
        throw new AssertionError("No " + pluginId + " connector zip in " + dist.toAbsolutePath()
                + ": package the connectors module first");
    }

    /** Puts a file into a watched folder the way a careful admin does: whole, in one rename. */
    public static Path drop(Path file, Path folder) {
        try {
            Path tmp = folder.resolve(file.getFileName() + ".part");
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            return Files.move(tmp, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
