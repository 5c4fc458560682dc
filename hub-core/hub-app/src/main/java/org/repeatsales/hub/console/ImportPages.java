package org.repeatsales.hub.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportRuns;
import org.repeatsales.hub.imports.ImportService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Uploading a sales file through the same import service as the API, and reading runs and rejected rows. */
@Controller
class ImportPages {

    private static final Logger log = LoggerFactory.getLogger(ImportPages.class);

    static final int RUNS = 50;
    static final int REJECTIONS = 1000;

    private final ImportService imports;
    private final ImportRuns runs;
    private final HubProperties hub;
    private final ConsoleTasks tasks;
    private final MessageSource messages;

    ImportPages(ImportService imports, ImportRuns runs, HubProperties hub, ConsoleTasks tasks, MessageSource messages) {
        this.imports = imports;
        this.runs = runs;
        this.hub = hub;
        this.tasks = tasks;
        this.messages = messages;
    }

    @GetMapping("/imports")
    String list(Model model) {
        model.addAttribute("runs", runs.latest(RUNS));
        return "imports";
    }

    /**
     * Keeps a copy of the upload and imports it in the background: the answer is the run's page at
     * once, which follows the run's progress until it ends.
     */
    @PostMapping("/imports")
    String upload(@RequestParam("file") MultipartFile file, RedirectAttributes redirect) throws IOException {
        if (file.isEmpty()) {
            redirect.addFlashAttribute("problem", "empty");
            return "redirect:/imports";
        }
        String name = file.getOriginalFilename() == null || file.getOriginalFilename().isBlank() ? "upload" : file.getOriginalFilename();
        Path uploads = hub.dataPath().resolve("uploads");
        Files.createDirectories(uploads);
        // the stored copy gets a name of our own; the person's file name goes only into the run record
        Path copy = uploads.resolve(UUID.randomUUID() + extension(name));
        long runId;
        ImportService.ImportRequest request = new ImportService.ImportRequest(copy, name, "console", null, null);
        try {
            try (InputStream in = file.getInputStream()) {
                Files.copy(in, copy);
            }
            runId = imports.openRun(request);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        tasks.run("import run " + runId, () -> {
            try {
                imports.importInto(runId, request);
            } finally {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    log.warn("Cannot delete the upload copy {} of import run {}", copy, runId, e);
                }
            }
        });
        return "redirect:/imports/" + runId;
    }

    /** What the run's page asks while the run goes on; {@code done} tells it to reload and show the report. */
    @GetMapping(path = "/imports/{id}/progress", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> progress(@PathVariable long id) {
        ImportReport report = runs.report(id, 0).orElseThrow(() -> new NoSuchElementException("No import run " + id));
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("done", !"running".equals(report.status()));
        progress.put("status", report.status());
        progress.put("rowsRead", report.rowsRead());
        progress.put("rejected", report.rejected());
        if (report.bytesTotal() != null && report.bytesTotal() > 0) {
            progress.put("percent", Math.min(100, report.bytesRead() * 100 / report.bytesTotal()));
        }
        progress.put("text", messages.getMessage("run.progress", new Object[] {report.rowsRead(), report.rejected()},
                LocaleContextHolder.getLocale()));
        return progress;
    }

    @GetMapping("/imports/{id}")
    String run(@PathVariable long id, Authentication who, Model model) {
        ImportReport report = runs.report(id, 0).orElseThrow(() -> new NoSuchElementException("No import run " + id));
        model.addAttribute("run", report);
        model.addAttribute("rejections", runs.rejections(id, 0, REJECTIONS));
        model.addAttribute("shown", REJECTIONS);
        // a rejected row is the raw line of the file, contacts included: not for those who see them masked
        model.addAttribute("showRaw", ConsoleUser.seesContacts(who));
        return "import-run";
    }

    /** Format detection reads the extension, so it is kept when it looks like one. */
    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        return ext.matches("\\.[a-z0-9]{1,5}") ? ext : "";
    }
}
