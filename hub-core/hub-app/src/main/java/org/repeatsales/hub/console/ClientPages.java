package org.repeatsales.hub.console;

import java.util.NoSuchElementException;
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

    ClientPages(ClientQueries clients, AuditLog audit) {
        this.clients = clients;
        this.audit = audit;
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
        return "client";
    }
}
