package org.repeatsales.hub.console;

import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.plugin.Connectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Channel connectors for admins: ready or not and why, and a test message to check the settings. */
@Controller
class ChannelPages {

    private final Connectors connectors;
    private final AuditLog audit;

    ChannelPages(Connectors connectors, AuditLog audit) {
        this.connectors = connectors;
        this.audit = audit;
    }

    @GetMapping("/channels")
    String list(Model model) {
        model.addAttribute("connectors", connectors.list());
        return "channels";
    }

    @PostMapping("/channels/{id}/test")
    String test(@PathVariable String id, @RequestParam String address, @RequestParam(required = false) String subject,
                @RequestParam(required = false) String text, RedirectAttributes redirect) {
        redirect.addFlashAttribute("tested", id);
        try {
            Connectors.TestResult result = connectors.testSend(id, address, subject, text, null);
            // the address is a contact: the audit row names the connector and the outcome only
            audit.record("channel.test", "channel:" + id, result.outcome());
            redirect.addFlashAttribute("result", result);
        } catch (IllegalArgumentException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/channels";
    }
}
