package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.NoSuchElementException;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.clients.ClientQueries;
import org.repeatsales.hub.clients.ClientView;
import org.repeatsales.hub.clients.ContactMask;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Clients as merged across sources; analysts see contacts masked. */
@RestController
@RequestMapping("/api/v1/clients")
@Tag(name = "clients", description = "Clients merged across sources, with their statistics and receipts")
class ClientController {

    private final ClientQueries clients;
    private final AuditLog audit;

    ClientController(ClientQueries clients, AuditLog audit) {
        this.clients = clients;
        this.audit = audit;
    }

    @Operation(summary = "Find clients by phone, e-mail (any form; normalised) or a name fragment")
    @GetMapping
    ClientView.Page search(@RequestParam(required = false) String phone,
                           @RequestParam(required = false) String email,
                           @RequestParam(required = false) String q,
                           @RequestParam(defaultValue = "0") int offset,
                           @RequestParam(defaultValue = "50") int limit,
                           Authentication who) {
        ClientView.Page page = clients.search(phone, email, q, Math.max(offset, 0), Math.min(Math.max(limit, 1), 1000));
        if (!masked(who)) {
            if (!page.items().isEmpty()) {
                audit.record(who.getName(), "client.search", "clients", AuditLog.clients("search with contacts, api", page.items().stream().map(ClientView.Summary::id).toList()));
            }
            return page;
        }
        return new ClientView.Page(page.total(), page.items().stream()
                .map(c -> new ClientView.Summary(c.id(), c.name(), ContactMask.phone(c.phone()), ContactMask.email(c.email()), c.stats()))
                .toList());
    }

    @Operation(summary = "A client's card: profile, identities from each source, statistics, latest receipts")
    @GetMapping("/{id}")
    ClientView.Card card(@PathVariable long id, @RequestParam(defaultValue = "100") int receipts, Authentication who) {
        ClientView.Card card = clients.card(id, Math.min(Math.max(receipts, 0), 1000))
                .orElseThrow(() -> new NoSuchElementException("No client " + id));
        if (!masked(who)) {
            audit.record(who.getName(), "client.view", "client:" + id, "card with contacts, api");
            return card;
        }
        return new ClientView.Card(card.id(), card.name(), ContactMask.phone(card.phone()), ContactMask.email(card.email()),
                card.birthday(), card.city(),
                card.identities().stream().map(i -> new ClientView.Identity(i.kind(), ContactMask.identity(i.kind(), i.value()),
                        i.source(), i.firstSeenAt())).toList(),
                card.stats(), card.receiptCount(), card.receipts());
    }

    private static boolean masked(Authentication who) {
        return who.getAuthorities().stream().noneMatch(a -> a.getAuthority().equals("ROLE_ADMIN") || a.getAuthority().equals("ROLE_MARKETER"));
    }
}
