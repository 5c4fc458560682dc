package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.ImportReport;
import org.repeatsales.hub.imports.ImportRuns;
import org.repeatsales.hub.imports.ImportService;
import org.repeatsales.hub.ingest.FileFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** File imports: upload a sales file and get its run report; list and read past runs. */
@RestController
@RequestMapping("/api/v1/imports")
@Tag(name = "imports", description = "CSV, Excel and receipt-JSON imports and their run reports")
class ImportController {

    private final ImportService imports;
    private final ImportRuns runs;
    private final HubProperties hub;

    ImportController(ImportService imports, ImportRuns runs, HubProperties hub) {
        this.imports = imports;
        this.runs = runs;
        this.hub = hub;
    }

    @Operation(summary = "Import an uploaded file (multipart field 'file')",
            description = "Answers the run report; 200 when the run succeeded (rows may still be rejected), 422 when the file could not be imported.")
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<?> upload(@RequestPart("file") MultipartFile file,
                             @Parameter(description = "csv, xlsx or receipts-json; detected when absent") @RequestParam(required = false) String format,
                             @Parameter(description = "name of a column mapping in config/mappings; chosen by header when absent") @RequestParam(required = false) String mapping,
                             @RequestHeader(value = "Accept", required = false) String accept) throws IOException {
        String name = file.getOriginalFilename() == null || file.getOriginalFilename().isBlank() ? "upload" : file.getOriginalFilename();
        try (InputStream in = file.getInputStream()) {
            return importStream(in, name, format, mapping, accept);
        }
    }

    @Operation(summary = "Import the raw request body as a file", description = "Name the file with ?filename= so the run record and format detection can use it.")
    @PostMapping(consumes = {"text/csv", "text/plain", "application/json", "application/octet-stream",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<?> raw(HttpServletRequest request,
                          @RequestParam(required = false) String filename,
                          @RequestParam(required = false) String format,
                          @RequestParam(required = false) String mapping,
                          @RequestHeader(value = "Accept", required = false) String accept) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return importStream(in, filename == null || filename.isBlank() ? "body" : filename, format, mapping, accept);
        }
    }

    @Operation(summary = "The latest import runs, newest first")
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    List<ImportReport> list(@RequestParam(defaultValue = "50") int limit) {
        return runs.latest(Math.min(Math.max(limit, 1), 500));
    }

    @Operation(summary = "One import run with its first rejected rows")
    @GetMapping(value = "/{id}", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<?> get(@PathVariable long id, @RequestHeader(value = "Accept", required = false) String accept) {
        ImportReport report = runs.report(id, hub.imports().reportRejections())
                .orElseThrow(() -> new NoSuchElementException("No import run " + id));
        return render(report, accept, HttpStatus.OK);
    }

    @Operation(summary = "All rejected rows of a run, by line, paged")
    @GetMapping(value = "/{id}/rejections", produces = MediaType.APPLICATION_JSON_VALUE)
    List<ImportReport.RejectedRow> rejections(@PathVariable long id,
                                               @RequestParam(defaultValue = "0") int offset,
                                               @RequestParam(defaultValue = "1000") int limit) {
        runs.report(id, 0).orElseThrow(() -> new NoSuchElementException("No import run " + id));
        return runs.rejections(id, Math.max(offset, 0), Math.min(Math.max(limit, 1), 10_000));
    }

    private ResponseEntity<?> importStream(InputStream in, String name, String format, String mapping, String accept)
            throws IOException {
        FileFormat fileFormat = format == null || format.isBlank() ? null : FileFormat.of(format);
        Path uploads = hub.dataPath().resolve("uploads");
        Files.createDirectories(uploads);
        Path copy = uploads.resolve(UUID.randomUUID() + "-" + safe(name));
        try {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            ImportReport report = imports.importFile(new ImportService.ImportRequest(copy, name, "api", fileFormat,
                    mapping == null || mapping.isBlank() ? null : mapping));
            return render(report, accept, report.succeeded() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static ResponseEntity<?> render(ImportReport report, String accept, HttpStatus status) {
        if (accept != null && accept.startsWith(MediaType.TEXT_PLAIN_VALUE)) {
            return ResponseEntity.status(status).contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
                    .body(report.toText());
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(report);
    }

    /** Keeps the extension (format detection uses it) but nothing that could leave the uploads folder. */
    private static String safe(String name) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        String cleaned = base.replaceAll("[^\\p{L}\\p{N}._-]", "_");
        return cleaned.isEmpty() || cleaned.startsWith(".") ? "upload" + cleaned : cleaned;
    }
}
