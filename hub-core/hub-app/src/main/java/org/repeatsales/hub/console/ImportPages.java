package org.repeatsales.hub.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportRuns;
import org.repeatsales.hub.imports.ImportService;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Uploading a sales file through the same import service as the API, and reading runs and rejected rows. */
@Controller
class ImportPages {

    static final int RUNS = 50;
    static final int REJECTIONS = 1000;

    private final ImportService imports;
    private final ImportRuns runs;
    private final HubProperties hub;

    ImportPages(ImportService imports, ImportRuns runs, HubProperties hub) {
        this.imports = imports;
        this.runs = runs;
        this.hub = hub;
    }

    @GetMapping("/imports")
    String list(Model model) {
        model.addAttribute("runs", runs.latest(RUNS));
        return "imports";
    }

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
        try {
            try (InputStream in = file.getInputStream()) {
                Files.copy(in, copy);
            }
            ImportReport report = imports.importFile(new ImportService.ImportRequest(copy, name, "console", null, null));
            return "redirect:/imports/" + report.id();
        } finally {
            Files.deleteIfExists(copy);
        }
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
