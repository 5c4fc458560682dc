package org.repeatsales.hub.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.segment.SegmentService;
import org.repeatsales.hub.segment.SegmentViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The example campaigns shipped in {@code config/campaigns} (see its README), loaded as drafts by
 * the demo. A segment may be named there by its strategy's id; it becomes the id of the newest
 * segment of that strategy (one is defined with default parameters when there is none).
 */
@Component
public class CampaignExamples {

    private static final Logger log = LoggerFactory.getLogger(CampaignExamples.class);
    static final Map<String, String> SEGMENT_NAMES = Map.of("lifecycle", "Жизненный цикл");

    private final CampaignService campaigns;
    private final SegmentService segments;
    private final Path dir;

    CampaignExamples(CampaignService campaigns, SegmentService segments, HubProperties hub) {
        this.campaigns = campaigns;
        this.segments = segments;
        this.dir = Path.of(hub.campaigns().examplesDir());
    }

    /** One example file read and with its segments resolved. */
    public record Example(Path file, JsonNode definition) {
    }

    /**
     * Reads every {@code *.json} of the folder, in name order, resolving segments named by strategy.
     *
     * @throws IllegalArgumentException naming the file that is not JSON
     */
    public List<Example> read() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Example> examples = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(Path::toString)).toList()) {
                JsonNode json;
                try {
                    json = CampaignDefinition.json().readTree(file.toFile());
                } catch (IOException e) {
                    throw new IllegalArgumentException("Example campaign " + file + " is not JSON: " + e.getMessage(), e);
                }
                if (json instanceof ObjectNode o) {
                    resolveSegments(o);
                }
                examples.add(new Example(file, json));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list example campaigns in " + dir, e);
        }
        return examples;
    }

    /**
     * Saves each example whose name is not taken as a draft. Channels are not required to be
     * configured (the demo has none); activation checks them.
     *
     * @return names of the campaigns saved now
     */
    public List<String> loadAsDrafts() {
        List<String> saved = new ArrayList<>();
        for (Example example : read()) {
            String name = example.definition().path("name").asText();
            if (campaigns.list().stream().anyMatch(c -> c.name().equals(name))) {
                continue;
            }
            try {
                campaigns.createExample(example.definition(), Instant.now());
                saved.add(name);
            } catch (CampaignRejectedException e) {
                log.warn("Example campaign {} not loaded: {}", example.file(), e.getMessage());
            }
        }
        if (!saved.isEmpty()) {
            log.info("Example campaigns loaded as drafts: {}", saved);
        }
        return saved;
    }

    private void resolveSegments(ObjectNode definition) {
        for (JsonNode ref : definition.path("audience").path("segments")) {
            if (ref instanceof ObjectNode o && o.path("segment").isTextual()) {
                segmentOf(o.get("segment").asText()).ifPresent(id -> o.put("segment", id));
            }
        }
        if (definition.path("schedule").path("trigger") instanceof ObjectNode trigger && trigger.path("segment").isTextual()) {
            segmentOf(trigger.get("segment").asText()).ifPresent(id -> trigger.put("segment", id));
        }
    }

    private Optional<Long> segmentOf(String strategy) {
        Optional<Long> existing = segments.list().stream().filter(s -> s.strategy().equals(strategy))
                .max(Comparator.comparingLong(SegmentViews.Segment::id)).map(SegmentViews.Segment::id);
        if (existing.isPresent()) {
            return existing;
        }
        try {
            return Optional.of(segments.create(SEGMENT_NAMES.getOrDefault(strategy, strategy), strategy, Map.of()).id());
        } catch (IllegalArgumentException e) {
            log.warn("Example campaigns need a '{}' segment and it cannot be defined: {}", strategy, e.getMessage());
            return Optional.empty();
        }
    }
}
