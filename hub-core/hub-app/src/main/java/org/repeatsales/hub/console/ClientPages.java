package org.repeatsales.hub.console;

import java.time.OffsetDateTime;
import java.util.NoSuchElementException;
import org.jooq.DSLContext;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.clients.ClientQueries;
import org.repeatsales.hub.clients.ClientView;
import org.repeatsales.hub.clients.ContactMask;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** Finding a client and their card; contacts masked for analysts exactly as the API masks them. */
@Controller
class ClientPages {

    private final ClientQueries clients;
    private final AuditLog audit;
    private final DSLContext db;

    ClientPages(ClientQueries clients, AuditLog audit, DSLContext db) {
        this.clients = clients;
        this.audit = audit;
        this.db = db;
    }

    /** The client's current consent on a channel: the latest record of its history. */
    record ConsentRow(String channel, String state, OffsetDateTime at, String source) {
    }

    /** A move of the client between cells of a segment; a null cell is outside the segment. */
    record MoveRow(OffsetDateTime at, String segment, String from, String to) {
    }

    /** A campaign message to the client (real runs only; dry runs send nothing). */
    record MessageRow(OffsetDateTime at, String campaign, String channel, String status, String reason) {
    }

    @GetMapping("/clients")
    String search(@RequestParam(required = false) String q, Authentication who, Model model) {
        if (q != null && !q.isBlank()) {
            ClientView.Page page = clients.search(null, null, q, 0, 100);
            boolean contacts = ConsoleUser.seesContacts(who);
            if (contacts && !page.items().isEmpty()) {
                audit.record(who.getName(), "client.search", "clients",
                        AuditLog.clients("search with contacts, console", page.items().stream().map(ClientView.Summary::id).toList()));
            }
            model.addAttribute("total", page.total());
            model.addAttribute("found", page.items().stream()
                    .map(c -> contacts ? c : new ClientView.Summary(c.id(), c.name(), ContactMask.phone(c.phone()),
                            ContactMask.email(c.email()), c.stats()))
                    .toList());
        }
        model.addAttribute("q", q);
        return "clients";
    }

    @GetMapping("/clients/{id}")
    String card(@PathVariable long id, Authentication who, Model model) {
        ClientView.Card card = clients.card(id, 100).orElseThrow(() -> new NoSuchElementException("No client " + id));
        if (ConsoleUser.seesContacts(who)) {
            audit.record(who.getName(), "client.view", "client:" + id, "card with contacts, console");
        } else {
            card = new ClientView.Card(card.id(), card.name(), ContactMask.phone(card.phone()), ContactMask.email(card.email()),
                    card.birthday(), card.city(),
                    card.identities().stream().map(i -> new ClientView.Identity(i.kind(), ContactMask.identity(i.kind(), i.value()),
                            i.source(), i.firstSeenAt())).toList(),
                    card.stats(), card.receiptCount(), card.receipts());
        }
        model.addAttribute("card", card);
        model.addAttribute("consents", db.resultQuery(
                "select distinct on (channel) channel, state, at, source from consent where client_id = ? order by channel, id desc", id)
                .fetch(r -> new ConsentRow(r.get(0, String.class), r.get(1, String.class), r.get(2, OffsetDateTime.class),
                        r.get(3, String.class))));
        model.addAttribute("moves", db.resultQuery(
                "select m.moved_at, s.name, m.from_cell, m.to_cell from segment_movement m join segment s on s.id = m.segment_id"
                        + " where m.client_id = ? order by m.moved_at desc, m.id desc limit 50", id)
                .fetch(r -> new MoveRow(r.get(0, OffsetDateTime.class), r.get(1, String.class), r.get(2, String.class),
                        r.get(3, String.class))));
        model.addAttribute("messages", db.resultQuery(
                "select coalesce(d.sent_at, d.updated_at), c.name, d.channel, d.status, d.reason from delivery d"
                        + " join campaign_run r on r.id = d.run_id join campaign c on c.id = r.campaign_id"
                        + " where d.client_id = ? and not r.dry_run and d.status in ('delivered', 'failed', 'unsubscribed')"
                        + " order by coalesce(d.sent_at, d.updated_at) desc limit 50", id)
                .fetch(r -> new MessageRow(r.get(0, OffsetDateTime.class), r.get(1, String.class), r.get(2, String.class),
                        r.get(3, String.class), r.get(4, String.class))));
        return "client";
    }
}
