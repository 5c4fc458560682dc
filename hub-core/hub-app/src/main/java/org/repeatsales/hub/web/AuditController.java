package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.repeatsales.hub.audit.AuditLog;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log as admins read it; nobody can change it through the API or the database. */
@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "audit", description = "Who exported, saw unmasked contacts or changed users, tokens, plugins, sources, channels and campaigns (admin only)")
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @Operation(summary = "Audit events, newest first",
            description = "Filters: actor (username), action (exact, or a prefix ending in '*' like 'plugin.*'), "
                    + "from (inclusive) and to (exclusive) as ISO instants; offset/limit page through them.")
    @GetMapping
    AuditLog.Page list(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                       @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                       @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        return audit.find(new AuditLog.Filter(actor, action, instant("from", from), instant("to", to)),
                Math.max(offset, 0), Math.min(Math.max(limit, 1), 1000));
    }

    static Instant instant(String name, String value) {
        try {
            return value == null || value.isBlank() ? null : Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Parameter '" + name + "': '" + value + "' is not an ISO instant like 2026-06-30T09:00:00Z");
        }
    }
}
