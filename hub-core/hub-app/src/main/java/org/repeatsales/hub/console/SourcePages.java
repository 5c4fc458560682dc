package org.repeatsales.hub.console;

import java.util.Map;
import java.util.NoSuchElementException;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.sources.SourceStatus;
import org.repeatsales.hub.sources.SourceStatuses;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Live sources for admins: their health, and a poll now that runs in the background while the page watches. */
@Controller
class SourcePages {

    private final SourceStatuses statuses;
    private final ConsoleTasks tasks;
    private final AuditLog audit;

    SourcePages(SourceStatuses statuses, ConsoleTasks tasks, AuditLog audit) {
        this.statuses = statuses;
        this.audit = audit;
        this.tasks = tasks;
    }

    /** A source with what the console knows of the polls it started. */
    record SourceRow(SourceStatus status, boolean polling, org.repeatsales.hub.routes.sources.PollOutcome lastConsolePoll) {
    }

    @GetMapping("/sources")
    String list(Model model) {
        model.addAttribute("sources", statuses.all().stream()
                .map(s -> new SourceRow(s, tasks.polling(s.id()), tasks.lastPoll(s.id()))).toList());
        return "sources";
    }

    @PostMapping("/sources/{id}/poll")
    String poll(@PathVariable String id, RedirectAttributes redirect) {
        if (statuses.all().stream().noneMatch(s -> s.id().equals(id))) {
            throw new NoSuchElementException("No source " + id);
        }
        if (!tasks.startPoll(id)) {
            redirect.addFlashAttribute("busy", id);
        } else {
            audit.record("source.poll", "source:" + id, "poll now from the console");
        }
        return "redirect:/sources";
    }

    /** What the page asks while a poll runs; {@code done} tells it to reload and show the result. */
    @GetMapping(path = "/sources/{id}/progress", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> progress(@PathVariable String id) {
        return Map.of("done", !tasks.polling(id));
    }
}
