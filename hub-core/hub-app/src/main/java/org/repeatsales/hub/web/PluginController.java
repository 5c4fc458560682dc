package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.repeatsales.hub.plugin.PluginState;
import org.repeatsales.hub.plugin.PluginView;
import org.repeatsales.hub.plugin.StrategyView;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** The plugin folder as admins manage it, and the strategies its plugins offer. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "plugins", description = "Drop-in plugins (admin only) and the segmentation strategies they offer")
class PluginController {

    private final PluginRegistry plugins;
    private final AuditLog audit;

    PluginController(PluginRegistry plugins, AuditLog audit) {
        this.plugins = plugins;
        this.audit = audit;
    }

    @Operation(summary = "Plugins in the plugin folder: id, version, state (started, disabled, failed + reason), extensions")
    @GetMapping("/plugins")
    List<PluginView> list() {
        return plugins.list();
    }

    @Operation(summary = "One plugin by id (or by file name when its descriptor could not be read)")
    @GetMapping("/plugins/{id}")
    PluginView get(@PathVariable String id) {
        return plugins.get(id);
    }

    @Operation(summary = "Upload a plugin zip (multipart field 'file'); it is saved in the plugin folder and loaded",
            description = "201 when the plugin started or is disabled, 422 with the reason when it failed")
    @PostMapping(path = "/plugins", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<PluginView> upload(@RequestPart("file") MultipartFile file) throws IOException {
        String name = file.getOriginalFilename() == null || file.getOriginalFilename().isBlank() ? "plugin.zip" : file.getOriginalFilename();
        PluginView view;
        try (InputStream in = file.getInputStream()) {
            view = plugins.upload(name, in);
        }
        audit.record("plugin.upload", "plugin:" + view.id(), "file " + name + ", state " + view.state());
        return ResponseEntity.status(view.state() == PluginState.FAILED ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.CREATED).body(view);
    }

    @Operation(summary = "Enable and start a plugin")
    @PostMapping("/plugins/{id}/enable")
    PluginView enable(@PathVariable String id) {
        PluginView view = plugins.enable(id);
        audit.record("plugin.enable", "plugin:" + id, "state " + view.state());
        return view;
    }

    @Operation(summary = "Stop a plugin and keep it off, also after a restart")
    @PostMapping("/plugins/{id}/disable")
    PluginView disable(@PathVariable String id) {
        PluginView view = plugins.disable(id);
        audit.record("plugin.disable", "plugin:" + id, "state " + view.state());
        return view;
    }

    @Operation(summary = "Unload a plugin and load its file again")
    @PostMapping("/plugins/{id}/reload")
    PluginView reload(@PathVariable String id) {
        PluginView view = plugins.reload(id);
        audit.record("plugin.reload", "plugin:" + id, "state " + view.state());
        return view;
    }

    @Operation(summary = "Unload a plugin and delete its file")
    @DeleteMapping("/plugins/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        plugins.delete(id);
        audit.record("plugin.delete", "plugin:" + id, "unloaded, file deleted");
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Segmentation strategies of the started plugins, with their parameters and cells")
    @GetMapping("/strategies")
    List<StrategyView> strategies() {
        return plugins.strategies();
    }
}
