package org.repeatsales.hub.ingest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The known column mappings, by name; picks the one that fits a file's header. */
public final class MappingCatalog {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, CsvMapping> byName;

    public MappingCatalog(Collection<CsvMapping> mappings) {
        Map<String, CsvMapping> map = new LinkedHashMap<>();
        for (CsvMapping m : mappings) {
            map.put(m.name().toLowerCase(Locale.ROOT), m);
        }
        this.byName = map;
    }

    /**
     * All {@code *.yml} and {@code *.yaml} files in {@code dir}, in file-name order; a missing
     * directory gives an empty catalog.
     *
     * @throws IllegalArgumentException naming the file, when a mapping is malformed
     */
    public static MappingCatalog load(Path dir) throws IOException {
        List<CsvMapping> mappings = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return n.endsWith(".yml") || n.endsWith(".yaml");
                }).sorted().toList();
            }
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    mappings.add(parse(in, f.toString()));
                }
            }
        }
        return new MappingCatalog(mappings);
    }

    /** Mappings shipped as classpath resources, e.g. {@code "mappings/1c-retail.yml"}. */
    public static MappingCatalog loadResources(ClassLoader loader, String... resources) throws IOException {
        List<CsvMapping> mappings = new ArrayList<>();
        for (String r : resources) {
            try (InputStream in = loader.getResourceAsStream(r)) {
                if (in == null) {
                    throw new IOException("No classpath resource " + r);
                }
                mappings.add(parse(in, r));
            }
        }
        return new MappingCatalog(mappings);
    }

    /** One mapping from YAML; {@code origin} names the file in error messages. */
    public static CsvMapping parse(InputStream yaml, String origin) throws IOException {
        try {
            return YAML.readValue(yaml, CsvMapping.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("Mapping " + origin + ": " + cause.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Mapping " + origin + ": " + e.getOriginalMessage(), e);
        }
    }

    /** This catalog's mappings plus {@code other}'s; on equal names {@code other} wins. */
    public MappingCatalog plus(MappingCatalog other) {
        List<CsvMapping> all = new ArrayList<>(byName.values());
        all.addAll(other.all());
        return new MappingCatalog(all);
    }

    public List<CsvMapping> all() {
        return List.copyOf(byName.values());
    }

    public Optional<CsvMapping> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** The named mapping, or a failure listing the known names. */
    public CsvMapping require(String name) throws UnreadableFileException {
        return find(name).orElseThrow(() -> new UnreadableFileException(
                "Unknown mapping '" + name + "'; known mappings: " + (byName.isEmpty() ? "none" : String.join(", ", names()))));
    }

    /**
     * The mapping whose required columns are all in {@code header}, preferring the one that finds
     * the most of its columns there (so a specific layout beats a generic one it overlaps).
     */
    public CsvMapping match(List<String> header) throws UnreadableFileException {
        java.util.Set<String> present = header.stream().map(Headers::normalize).collect(Collectors.toSet());
        CsvMapping best = null;
        int bestScore = -1;
        for (CsvMapping m : byName.values()) {
            boolean fits = m.requiredColumns().stream().allMatch(c -> present.contains(Headers.normalize(c)));
            if (!fits) {
                continue;
            }
            int score = (int) m.columns().values().stream().filter(c -> present.contains(Headers.normalize(c))).count();
            if (score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        if (best == null) {
            String known = byName.isEmpty() ? "none" : byName.values().stream()
                    .map(m -> m.name() + " (" + String.join(", ", m.requiredColumns()) + ")")
                    .collect(Collectors.joining("; "));
            throw new UnreadableFileException("No mapping fits the file's header ["
                    + header.stream().map(String::strip).collect(Collectors.joining(", "))
                    + "]. Known mappings and the columns they require: " + known
                    + ". Add a mapping to config/mappings/ or pick one explicitly");
        }
        return best;
    }

    private List<String> names() {
        return byName.values().stream().map(CsvMapping::name).toList();
    }
}
