package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.segment.RefreshFailedException;
import org.repeatsales.hub.segment.SegmentRefresher;
import org.repeatsales.hub.segment.SegmentService;
import org.repeatsales.hub.segment.SegmentViews;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Segments: a strategy with parameters, refreshed into cells with a history of movements. */
@RestController
@RequestMapping("/api/v1/segments")
@Tag(name = "segments", description = "Segment definitions, refresh, members, counts per cell and movements")
class SegmentController {

    private final SegmentService segments;
    private final SegmentRefresher refresher;
    private final AuditLog audit;

    SegmentController(SegmentService segments, SegmentRefresher refresher, AuditLog audit) {
        this.segments = segments;
        this.refresher = refresher;
        this.audit = audit;
    }

    /** @param parameters values by parameter name; missing ones take the strategy's defaults */
    record NewSegment(String name, String strategy, Map<String, Object> parameters) {
    }

    @Operation(summary = "All segment definitions with their member counts")
    @GetMapping
    List<SegmentViews.Segment> list() {
        return segments.list();
    }

    @Operation(summary = "Define a segment: {name, strategy, parameters}; 400 names a bad parameter")
    @PostMapping
    ResponseEntity<SegmentViews.Segment> create(@RequestBody NewSegment body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(segments.create(body.name(), body.strategy(), body.parameters()));
    }

    /** @param rule the rule tree (see the README); asOf optional ISO instant */
    record RulePreview(com.fasterxml.jackson.databind.JsonNode rule, String asOf) {
    }

    @Operation(summary = "Count and first 20 clients a rule selects now, before saving it as a segment")
    @PostMapping("/preview")
    SegmentViews.Preview preview(@RequestBody RulePreview body) {
        return segments.preview(body.rule(), instant(body.asOf()), 20);
    }

    @Operation(summary = "One segment definition")
    @GetMapping("/{id}")
    SegmentViews.Segment get(@PathVariable long id) {
        return segments.get(id);
    }

    @Operation(summary = "Member count and revenue per cell")
    @GetMapping("/{id}/summary")
    SegmentViews.Summary summary(@PathVariable long id) {
        return segments.summary(id);
    }

    @Operation(summary = "Members, by client id, optionally of one cell")
    @GetMapping("/{id}/members")
    SegmentViews.MembersPage members(@PathVariable long id, @RequestParam(required = false) String cell,
                                     @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        return segments.members(id, cell, Math.max(offset, 0), Math.min(Math.max(limit, 1), 10_000));
    }

    @Operation(summary = "Members as CSV for Excel (UTF-8, ';'), optionally of one cell (admin, marketer; analysts get 403)")
    @GetMapping(path = "/{id}/members.csv", produces = "text/csv")
    ResponseEntity<StreamingResponseBody> membersCsv(@PathVariable long id, @RequestParam(required = false) String cell,
                                                     Authentication who) {
        segments.get(id);
        boolean masked = who.getAuthorities().stream()
                .noneMatch(a -> a.getAuthority().equals("ROLE_ADMIN") || a.getAuthority().equals("ROLE_MARKETER"));
        // recorded before the first row leaves: an export that cannot be audited does not happen
        audit.record(who.getName(), "segment.export", "segment:" + id,
                "members CSV" + (cell == null || cell.isBlank() ? "" : ", cell " + cell) + (masked ? ", contacts masked" : ", contacts visible"));
        StreamingResponseBody body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            segments.exportMembers(id, cell, masked, writer);
            writer.flush();
        };
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("segment-" + id + (cell == null || cell.isBlank() ? "" : "-" + cell) + ".csv").build().toString())
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(body);
    }

    @Operation(summary = "Who entered, changed cell and left, refresh by refresh (oldest first)")
    @GetMapping("/{id}/movements")
    SegmentViews.MovementsPage movements(@PathVariable long id, @RequestParam(required = false) Long clientId,
                                         @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        return segments.movements(id, clientId, Math.max(offset, 0), Math.min(Math.max(limit, 1), 10_000));
    }

    @Operation(summary = "Latest refreshes with their counts")
    @GetMapping("/{id}/refreshes")
    List<SegmentViews.Refresh> refreshes(@PathVariable long id, @RequestParam(defaultValue = "20") int limit) {
        return segments.refreshes(id, Math.min(Math.max(limit, 1), 1000));
    }

    @Operation(summary = "Recompute the membership now",
            description = "200 with the refresh report; 422 with the failed report when the strategy failed (membership unchanged)")
    @PostMapping("/{id}/refresh")
    ResponseEntity<SegmentViews.Refresh> refresh(@PathVariable long id,
                                                 @Parameter(description = "ISO instant to compute for (default now)")
                                                 @RequestParam(required = false) String asOf,
                                                 @Parameter(description = "auto (default: incremental where the strategy and "
                                                         + "history allow it), full, or incremental (422 when not allowed)")
                                                 @RequestParam(defaultValue = "auto") String mode) {
        Instant at = instant(asOf);
        SegmentRefresher.Mode how = switch (mode) {
            case "auto" -> SegmentRefresher.Mode.AUTO;
            case "full" -> SegmentRefresher.Mode.FULL;
            case "incremental" -> SegmentRefresher.Mode.INCREMENTAL;
            default -> throw new IllegalArgumentException("mode must be auto, full or incremental, got '" + mode + "'");
        };
        try {
            return ResponseEntity.ok(refresher.refresh(id, at, how));
        } catch (RefreshFailedException e) {
            return ResponseEntity.unprocessableEntity().body(e.refresh());
        }
    }

    private static Instant instant(String asOf) {
        try {
            return asOf == null || asOf.isBlank() ? null : Instant.parse(asOf);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Parameter 'asOf': '" + asOf + "' is not an ISO instant like 2026-06-30T09:00:00Z");
        }
    }
}
