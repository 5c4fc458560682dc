package org.repeatsales.hub.sources;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.repeatsales.hub.routes.sources.PolledSource;

/** The configured live source instances, by id. */
public class LiveSources {

    private final Map<String, PolledSource> byId = new LinkedHashMap<>();

    LiveSources(List<PolledSource> sources) {
        sources.forEach(s -> byId.put(s.id(), s));
    }

    public List<PolledSource> all() {
        return List.copyOf(byId.values());
    }

    /** Polls one instance now, on the caller's thread (waits for the poll to end). */
    public PollOutcome poll(String id, String trigger) {
        PolledSource source = byId.get(id);
        if (source == null) {
            throw new NoSuchElementException("No enabled source " + id + " (configured under hub.sources)");
        }
        return source.poll(trigger);
    }
}
