package org.repeatsales.hub.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginView;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The plugin folder for admins: what is loaded and why something failed; upload, switch on and off, reload, delete. */
@Controller
class PluginPages {

    /** The audit action of each change, named as the API's controller names them. */
    private static final java.util.Map<String, String> AUDITED = java.util.Map.of("enabled", "plugin.enable",
            "disabled", "plugin.disable", "reloaded", "plugin.reload", "deleted", "plugin.delete");

    private final PluginRegistry plugins;
    private final AuditLog audit;

    PluginPages(PluginRegistry plugins, AuditLog audit) {
        this.plugins = plugins;
        this.audit = audit;
    }

    @GetMapping("/plugins")
    String list(Model model) {
        model.addAttribute("plugins", plugins.list());
        model.addAttribute("folder", plugins.folder().toAbsolutePath().toString());
        return "plugins";
    }

    @PostMapping("/plugins")
    String upload(@RequestParam("file") MultipartFile file, RedirectAttributes redirect) throws IOException {
        if (file.isEmpty()) {
            redirect.addFlashAttribute("problem", "empty");
            return "redirect:/plugins";
        }
        String name = file.getOriginalFilename() == null || file.getOriginalFilename().isBlank() ? "plugin.zip" : file.getOriginalFilename();
        try (InputStream in = file.getInputStream()) {
            PluginView view = plugins.upload(name, in);
            audit.record("plugin.upload", "plugin:" + view.id(), "file " + name + ", state " + view.state());
            done(redirect, "uploaded", view);
        } catch (IllegalArgumentException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/plugins";
    }

    @PostMapping("/plugins/{id}/enable")
    String enable(@PathVariable String id, RedirectAttributes redirect) {
        return change(id, "enabled", plugins::enable, redirect);
    }

    @PostMapping("/plugins/{id}/disable")
    String disable(@PathVariable String id, RedirectAttributes redirect) {
        return change(id, "disabled", plugins::disable, redirect);
    }

    @PostMapping("/plugins/{id}/reload")
    String reload(@PathVariable String id, RedirectAttributes redirect) {
        return change(id, "reloaded", plugins::reload, redirect);
    }

    @PostMapping("/plugins/{id}/delete")
    String delete(@PathVariable String id, RedirectAttributes redirect) {
        return change(id, "deleted", pluginId -> {
            plugins.delete(pluginId);
            return null;
        }, redirect);
    }

    private String change(String id, String action, Function<String, PluginView> work, RedirectAttributes redirect) {
        try {
            PluginView view = work.apply(id);
            audit.record(AUDITED.get(action), "plugin:" + id, view == null ? "unloaded, file deleted" : "state " + view.state());
            done(redirect, action, view);
            redirect.addFlashAttribute("subject", id);
        } catch (IllegalArgumentException | IllegalStateException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/plugins";
    }

    private static void done(RedirectAttributes redirect, String action, PluginView view) {
        redirect.addFlashAttribute("done", action);
        if (view != null) {
            redirect.addFlashAttribute("subject", view.id());
            redirect.addFlashAttribute("result", view);
        }
    }
}
