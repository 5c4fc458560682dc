package org.repeatsales.hub.ingest;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads one sales file (CSV or Excel export, or receipt JSON) and streams what it contains into a
 * {@link RecordSink}. The file is never held in memory whole.
 */
public final class SalesFileReader {

    static final int PROGRESS_EVERY_ROWS = 10_000;
    private static final int HEADER_LOOKAHEAD_CHARS = 1 << 20;
    private static final String XLSX_RAW_DELIMITER = ";";

    private final MappingCatalog mappings;
    private final ZoneId zone;

    public SalesFileReader(MappingCatalog mappings, ZoneId zone) {
        this.mappings = Objects.requireNonNull(mappings, "mappings");
        this.zone = zone == null ? ZoneId.of("Europe/Moscow") : zone;
    }

    /**
     * @param format may be null: detected from the file name extension and content (PK zip magic
     *     -> XLSX, first non-space char '[' or '{' -> RECEIPTS_JSON, else CSV)
     * @param mappingName may be null: chosen by the file's header
     */
    public ReadResult read(Path file, FileFormat format, String mappingName, RecordSink sink)
            throws IOException, UnreadableFileException {
        long size = Files.size(file);
        FileFormat f = format != null ? format : detectFormat(file);
        if (f == FileFormat.RECEIPTS_JSON) {
            try (CountingInputStream counter = new CountingInputStream(Files.newInputStream(file));
                 InputStream in = new BufferedInputStream(counter, 1 << 16)) {
                new ReceiptJsonReader(zone).read(in, sink);
                sink.progress(counter.count());
            }
            return new ReadResult(f, null, "UTF-8", size);
        }
        CsvMapping fixed = mappingName == null ? null : mappings.require(mappingName);
        return f == FileFormat.XLSX ? readXlsx(file, fixed, sink, size) : readCsv(file, fixed, sink, size);
    }

    private ReadResult readCsv(Path file, CsvMapping fixed, RecordSink sink, long size)
            throws IOException, UnreadableFileException {
        CsvMapping mapping = fixed;
        // A second pass happens only when the header picked a mapping that pins an encoding or
        // delimiter other than the detected one: the header is re-read with the mapping's settings.
        for (int pass = 0; ; pass++) {
            try (CountingInputStream counter = new CountingInputStream(Files.newInputStream(file));
                 BufferedInputStream in = new BufferedInputStream(counter, 1 << 16)) {
                Charset charset = TextEncoding.choose(in, mapping == null ? null : mapping.encoding());
                BufferedReader text = new BufferedReader(TextEncoding.reader(in, charset), 1 << 16);
                try {
                    char delimiter = mapping == null ? 0 : mapping.delimiterChar();
                    if (delimiter == 0) {
                        delimiter = detectDelimiter(text);
                    }
                    CsvTokenizer tokenizer = new CsvTokenizer(text, delimiter);
                    HeaderSearch search = new HeaderSearch(mapping);
                    String[] header;
                    CsvMapping found = null;
                    while ((header = tokenizer.next()) != null && (found = search.offer(header)) == null) {
                        // title lines above the table
                    }
                    long headerLine = tokenizer.line();
                    if (found == null) {
                        throw search.failure();
                    }
                    if (mapping == null) {
                        boolean otherEncoding = found.fixedEncoding() && !CsvMapping.sameCharset(found.encoding(), charset);
                        boolean otherDelimiter = found.delimiterChar() != 0 && found.delimiterChar() != delimiter;
                        mapping = found;
                        if ((otherEncoding || otherDelimiter) && pass == 0) {
                            continue;
                        }
                    }
                    // first pass, keys only: finds receipts scattered over the file, and a file
                    // that is not what its start says fails here, before anything is written
                    ReceiptAssembler scanner = new ReceiptAssembler(mapping, header, zone, String.valueOf(delimiter), NOWHERE);
                    KeyRuns runs = new KeyRuns();
                    String[] cells;
                    while ((cells = tokenizer.next()) != null) {
                        scanner.scan(tokenizer.line(), cells, runs);
                    }
                    runs.finish();
                    readCsvRows(file, charset, delimiter, headerLine, header, mapping, runs, sink);
                    return new ReadResult(FileFormat.CSV, mapping.name(), charset.name(), size);
                } catch (CharacterCodingException e) {
                    // the sample was valid UTF-8 but a later part of the file is not
                    throw TextEncoding.notUtf8(counter.count());
                }
            }
        }
    }

    /** The second pass over a CSV file whose header, encoding and delimiter the first pass found. */
    private void readCsvRows(Path file, Charset charset, char delimiter, long headerLine, String[] header, CsvMapping mapping,
            KeyRuns runs, RecordSink sink) throws IOException, UnreadableFileException {
        try (CountingInputStream counter = new CountingInputStream(Files.newInputStream(file));
             BufferedInputStream in = new BufferedInputStream(counter, 1 << 16)) {
            TextEncoding.choose(in, charset.name()); // consumes a BOM as the first pass did
            readCsvRows(in, counter, charset, delimiter, headerLine, header, mapping, runs, sink);
        }
    }

    private void readCsvRows(BufferedInputStream in, CountingInputStream counter, Charset charset, char delimiter, long headerLine,
            String[] header, CsvMapping mapping, KeyRuns runs, RecordSink sink) throws IOException, UnreadableFileException {
        try {
            CsvTokenizer tokenizer = new CsvTokenizer(new BufferedReader(TextEncoding.reader(in, charset), 1 << 16), delimiter);
            String[] cells;
            while ((cells = tokenizer.next()) != null && tokenizer.line() < headerLine) {
                // title lines above the table
            }
            if (cells == null) {
                throw new UnreadableFileException("The file changed while it was read: its header on line " + headerLine + " is gone");
            }
            ReceiptAssembler assembler = new ReceiptAssembler(mapping, header, zone, String.valueOf(delimiter), sink);
            assembler.expectScattered(runs);
            long n = 0;
            while ((cells = tokenizer.next()) != null) {
                assembler.accept(tokenizer.line(), cells);
                if (++n % PROGRESS_EVERY_ROWS == 0) {
                    sink.progress(counter.count());
                }
            }
            assembler.finish();
            sink.progress(counter.count());
        } catch (CharacterCodingException e) {
            throw TextEncoding.notUtf8(counter.count());
        }
    }

    /** Where the first pass's assembler would send receipts, were it ever asked to assemble one. */
    private static final RecordSink NOWHERE = new RecordSink() {
        @Override
        public void receipt(ReceiptRecord receipt) {
            throw new IllegalStateException("a first pass assembles no receipt");
        }

        @Override
        public void rejected(Rejection rejection) {
            throw new IllegalStateException("a first pass rejects no row");
        }
    };

    private ReadResult readXlsx(Path file, CsvMapping fixed, RecordSink sink, long size)
            throws IOException, UnreadableFileException {
        XlsxRows rows = new XlsxRows(file, fixed == null ? null : fixed.sheet());
        CsvMapping[] mapping = {fixed};
        String[][] header = {null};
        long[] headerLine = {-1};
        ReceiptAssembler[] scanner = {null};
        KeyRuns runs = new KeyRuns();
        HeaderSearch search = new HeaderSearch(fixed);
        // first pass, keys only, as for CSV
        rows.read((line, cells) -> {
            if (scanner[0] == null) {
                mapping[0] = search.offer(cells);
                if (mapping[0] != null) {
                    header[0] = nullsToEmpty(cells);
                    headerLine[0] = line;
                    scanner[0] = new ReceiptAssembler(mapping[0], header[0], zone, XLSX_RAW_DELIMITER, NOWHERE);
                }
                return;
            }
            scanner[0].scan(line, cells, runs);
        });
        if (scanner[0] == null) {
            throw search.failure();
        }
        runs.finish();
        ReceiptAssembler assembler = new ReceiptAssembler(mapping[0], header[0], zone, XLSX_RAW_DELIMITER, sink);
        assembler.expectScattered(runs);
        long[] count = {0};
        XlsxRows again = new XlsxRows(file, fixed == null ? null : fixed.sheet());
        again.read((line, cells) -> {
            if (line <= headerLine[0]) {
                return;
            }
            assembler.accept(line, cells);
            if (++count[0] % PROGRESS_EVERY_ROWS == 0) {
                sink.progress(again.estimatedBytes(size));
            }
        });
        assembler.finish();
        sink.progress(size);
        return new ReadResult(FileFormat.XLSX, mapping[0].name(), null, size);
    }

    /**
     * Finds the header row. Reports often start with a title and a blank line before the table,
     * so rows that fit no mapping are passed over, up to {@link #MAX_TITLE_ROWS}; if none fits,
     * the failure reported is the one for the widest row, which is most likely the real header.
     */
    private final class HeaderSearch {
        static final int MAX_TITLE_ROWS = 20;
        private final CsvMapping fixed;
        private UnreadableFileException widestFailure;
        private int widest = -1;
        private int tried;

        HeaderSearch(CsvMapping fixed) {
            this.fixed = fixed;
        }

        /** The mapping if {@code cells} is the header, null if it is a row to pass over. */
        CsvMapping offer(String[] cells) throws UnreadableFileException {
            if (isBlank(cells)) {
                return null;
            }
            try {
                CsvMapping m = fixed != null ? fixed : mappings.match(Arrays.asList(nullsToEmpty(cells)));
                checkHeader(m, cells);
                return m;
            } catch (UnreadableFileException e) {
                int filled = 0;
                for (String c : cells) {
                    filled += c == null || c.isBlank() ? 0 : 1;
                }
                if (filled > widest) {
                    widest = filled;
                    widestFailure = e;
                }
                if (++tried >= MAX_TITLE_ROWS) {
                    throw widestFailure;
                }
                return null;
            }
        }

        UnreadableFileException failure() {
            return widestFailure != null ? widestFailure : new UnreadableFileException("File is empty: there is no header row");
        }
    }

    /** An explicitly chosen mapping must still find its required columns in the file. */
    private static void checkHeader(CsvMapping mapping, String[] header) throws UnreadableFileException {
        java.util.Set<String> present = Headers.index(nullsToEmpty(header)).keySet();
        List<String> missing = new ArrayList<>();
        for (String column : mapping.requiredColumns()) {
            if (!present.contains(Headers.normalize(column))) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            throw new UnreadableFileException("Mapping '" + mapping.name() + "' needs columns " + missing
                    + " that the file's header does not have; the header is " + Arrays.toString(nullsToEmpty(header)));
        }
    }

    /**
     * The delimiter that occurs most often, outside quotes, in the first non-empty line; ties go
     * to ';' (1C and Russian Excel), then tab, then ','.
     */
    static char detectDelimiter(BufferedReader text) throws IOException, UnreadableFileException {
        text.mark(HEADER_LOOKAHEAD_CHARS);
        int semicolons = 0;
        int tabs = 0;
        int commas = 0;
        boolean quoted = false;
        boolean started = false;
        int read = 0;
        int c;
        while ((c = text.read()) >= 0) {
            if (++read >= HEADER_LOOKAHEAD_CHARS) {
                throw new UnreadableFileException("The header line is longer than " + HEADER_LOOKAHEAD_CHARS + " characters; is this a sales export?");
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                if (c == '\n' || c == '\r') {
                    if (started) {
                        break;
                    }
                    continue;
                }
                if (c == ';') {
                    semicolons++;
                } else if (c == '\t') {
                    tabs++;
                } else if (c == ',') {
                    commas++;
                }
            }
            if (!Character.isWhitespace(c)) {
                started = true;
            }
        }
        text.reset();
        if (semicolons >= tabs && semicolons >= commas) {
            return ';';
        }
        return tabs >= commas ? '\t' : ',';
    }

    /** See {@link #read}: content beats the extension, since exports are often misnamed. */
    static FileFormat detectFormat(Path file) throws IOException, UnreadableFileException {
        byte[] head = new byte[4096];
        int len;
        try (InputStream in = Files.newInputStream(file)) {
            len = in.readNBytes(head, 0, head.length);
        }
        if (len >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return FileFormat.XLSX;
        }
        if (len >= 4 && head[0] == (byte) 0xD0 && head[1] == (byte) 0xCF && head[2] == (byte) 0x11 && head[3] == (byte) 0xE0) {
            throw new UnreadableFileException("This is an old Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV and import again");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return FileFormat.RECEIPTS_JSON;
        }
        int i = len >= 3 && head[0] == (byte) 0xEF && head[1] == (byte) 0xBB && head[2] == (byte) 0xBF ? 3 : 0;
        while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        if (i < len && (head[i] == '[' || head[i] == '{')) {
            return FileFormat.RECEIPTS_JSON;
        }
        return FileFormat.CSV;
    }

    private static boolean isBlank(String[] cells) {
        for (String c : cells) {
            if (c != null && !c.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private static String[] nullsToEmpty(String[] cells) {
        String[] copy = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            copy[i] = cells[i] == null ? "" : cells[i];
        }
        return copy;
    }
}
