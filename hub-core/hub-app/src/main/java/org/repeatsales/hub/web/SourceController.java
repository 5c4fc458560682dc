package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.sources.SourceStatus;
import org.repeatsales.hub.sources.SourceStatuses;
import org.repeatsales.hub.sources.LiveSources;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Live sources: their health at a glance, and a poll on demand. */
@RestController
@RequestMapping("/api/v1/sources")
@Tag(name = "sources", description = "1C and OFD instances the hub polls")
class SourceController {

    private final SourceStatuses statuses;
    private final LiveSources sources;
    private final AuditLog audit;

    SourceController(SourceStatuses statuses, LiveSources sources, AuditLog audit) {
        this.statuses = statuses;
        this.sources = sources;
        this.audit = audit;
    }

    @Operation(summary = "Every configured source with state, last successful poll, watermark, rows of the last run, failures and last error")
    @GetMapping(produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<?> list(@RequestHeader(value = "Accept", required = false) String accept) {
        List<SourceStatus> all = statuses.all();
        if (accept != null && accept.startsWith(MediaType.TEXT_PLAIN_VALUE)) {
            return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8)).body(SourceStatus.toText(all));
        }
        return ResponseEntity.ok(all);
    }

    record PollAnswer(long runId, boolean succeeded, String message) {
    }

    @Operation(summary = "Poll one source now (admin); answers when the poll is over",
            description = "200 when the poll succeeded, 502 when the source failed it, 409 when a poll of it is already running.")
    @PostMapping(value = "/{id}/poll", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<PollAnswer> poll(@PathVariable String id) {
        PollOutcome outcome = sources.poll(id, "api");
        audit.record("source.poll", "source:" + id,
                outcome.busy() ? "refused: a poll was running" : "run " + outcome.runId() + (outcome.succeeded() ? ", succeeded" : ", failed"));
        HttpStatus status = outcome.busy() ? HttpStatus.CONFLICT : outcome.succeeded() ? HttpStatus.OK : HttpStatus.BAD_GATEWAY;
        return ResponseEntity.status(status).body(new PollAnswer(outcome.runId(), outcome.succeeded(), outcome.message()));
    }
}
