package org.repeatsales.hub.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.poi.openxml4j.exceptions.NotOfficeXmlFileException;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.opc.ZipPackagePart;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.eventusermodel.XSSFSheetXMLHandler;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFComment;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * Streams the rows of one sheet of an .xlsx file through POI's SAX event API, so a sheet of a
 * million rows never becomes a million row objects. Line numbers are Excel's row numbers.
 */
final class XlsxRows {

    private final Path file;
    private final String sheetName;
    private long sheetBytesRead;
    private long sheetBytesTotal = -1;

    XlsxRows(Path file, String sheetName) {
        this.file = file;
        this.sheetName = sheetName;
    }

    /**
     * How far into the file reading has got, estimated from the uncompressed sheet XML read so
     * far, scaled to the file size that progress is reported against.
     */
    long estimatedBytes(long fileSize) {
        if (sheetBytesTotal <= 0) {
            return 0;
        }
        return Math.min(fileSize, (long) (fileSize * ((double) sheetBytesRead / sheetBytesTotal)));
    }

    void read(RowConsumer consumer) throws IOException, UnreadableFileException {
        OPCPackage pkg;
        try {
            pkg = OPCPackage.open(file.toFile(), PackageAccess.READ);
        } catch (OpenXML4JException | NotOfficeXmlFileException e) {
            throw new UnreadableFileException("File is not a readable .xlsx workbook: " + e.getMessage(), e);
        }
        try {
            XSSFReader reader = new XSSFReader(pkg);
            ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg, false);
            StylesTable styles = reader.getStylesTable();
            XSSFReader.SheetIterator sheets = reader.getSheetIterator();
            List<String> names = new ArrayList<>();
            while (sheets.hasNext()) {
                try (InputStream sheet = sheets.next()) {
                    String name = sheets.getSheetName();
                    names.add(name);
                    if (sheetName == null || name.trim().toLowerCase(Locale.ROOT).equals(sheetName.trim().toLowerCase(Locale.ROOT))) {
                        if (sheets.getSheetPart() instanceof ZipPackagePart zip) {
                            sheetBytesTotal = zip.getSize();
                        }
                        parse(sheet, styles, strings, consumer);
                        return;
                    }
                }
            }
            throw new UnreadableFileException(sheetName == null
                    ? "Workbook has no sheets"
                    : "Workbook has no sheet '" + sheetName + "'; its sheets: " + String.join(", ", names));
        } catch (OpenXML4JException | SAXException e) {
            throw new UnreadableFileException("File is not a readable .xlsx workbook: " + e.getMessage(), e);
        } finally {
            pkg.revert(); // opened read-only: nothing to save
        }
    }

    private void parse(InputStream sheet, StylesTable styles, ReadOnlySharedStringsTable strings, RowConsumer consumer)
            throws IOException, UnreadableFileException, SAXException {
        InputStream counted = new FilterInputStream(sheet) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    sheetBytesRead += n;
                }
                return n;
            }
        };
        RowCollector collector = new RowCollector(consumer);
        XMLReader xml;
        try {
            xml = XMLHelper.newXMLReader();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("No SAX parser available", e);
        }
        xml.setContentHandler(new XSSFSheetXMLHandler(styles, null, strings, collector, new ExcelDataFormatter(), false));
        try {
            xml.parse(new InputSource(counted));
        } catch (Stop stop) {
            throw stop.cause;
        }
    }

    /** Carries a checked failure out of the SAX callbacks. */
    private static final class Stop extends RuntimeException {
        final UnreadableFileException cause;

        Stop(UnreadableFileException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }

    private static final class RowCollector implements XSSFSheetXMLHandler.SheetContentsHandler {
        private final RowConsumer consumer;
        private String[] cells = new String[16];
        private int width;
        private int nextColumn;

        RowCollector(RowConsumer consumer) {
            this.consumer = consumer;
        }

        @Override
        public void startRow(int rowNum) {
            width = 0;
            nextColumn = 0;
            Arrays.fill(cells, null);
        }

        @Override
        public void cell(String ref, String value, XSSFComment comment) {
            int column = ref == null ? nextColumn : column(ref);
            if (column >= cells.length) {
                cells = Arrays.copyOf(cells, Math.max(column + 1, cells.length * 2));
            }
            cells[column] = value;
            width = Math.max(width, column + 1);
            nextColumn = column + 1;
        }

        @Override
        public void endRow(int rowNum) {
            try {
                consumer.row(rowNum + 1L, Arrays.copyOf(cells, width));
            } catch (UnreadableFileException e) {
                throw new Stop(e);
            }
        }

        /** "AB12" -> 27: the letters of a cell reference, zero-based. */
        private static int column(String ref) {
            int col = 0;
            for (int i = 0; i < ref.length(); i++) {
                char c = ref.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    col = col * 26 + (c - 'A' + 1);
                } else {
                    break;
                }
            }
            return col - 1;
        }
    }
}
