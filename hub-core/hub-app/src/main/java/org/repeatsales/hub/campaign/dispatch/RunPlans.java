package org.repeatsales.hub.campaign.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The frozen definitions of the runs being dispatched, read once per run: a run's definition never
 * changes after it fired.
 */
@Component
class RunPlans {

    private final DeliveryQueue queue;
    private final ObjectMapper json;
    private final Map<Long, RunPlan> plans = new ConcurrentHashMap<>();
    private final Map<Long, String> problems = new ConcurrentHashMap<>();

    RunPlans(DeliveryQueue queue, ObjectMapper json) {
        this.queue = queue;
        this.json = json;
    }

    /** The run's plan, or empty when its definition cannot be used (see {@link #problem(long)}). */
    Optional<RunPlan> get(long runId) {
        RunPlan known = plans.get(runId);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            DeliveryQueue.RunRow row = queue.run(runId);
            RunPlan plan = RunPlan.parse(runId, row.definition(), row.since(), json);
            if (plans.size() > 10_000) {
                plans.clear();
            }
            plans.put(runId, plan);
            problems.remove(runId);
            return Optional.of(plan);
        } catch (IllegalStateException e) {
            problems.put(runId, e.getMessage());
            return Optional.empty();
        }
    }

    String problem(long runId) {
        return problems.getOrDefault(runId, "unknown");
    }

    void forget(long runId) {
        plans.remove(runId);
        problems.remove(runId);
    }
}
