package org.repeatsales.hub.sources;

import java.util.List;
import org.springframework.stereotype.Service;

/** Source states for the API. */
@Service
public class SourceStatuses {

    private final SourceStates states;

    SourceStatuses(SourceStates states) {
        this.states = states;
    }

    public List<SourceStatus> all() {
        return states.all().stream().map(r -> new SourceStatus(r.getSourceId(), r.getKind(), r.getState(), r.getLastSuccessAt(),
                r.getLastPollAt(), r.getWatermark(), r.getLastRunId(), r.getRowsLastRun(), r.getConsecutiveFailures(),
                r.getLastError())).toList();
    }
}
