package org.repeatsales.hub.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads fiscal receipts exported as JSON: the FNS "Проверка чеков" export and its older form,
 * OFD document lists (Kontur-style {@code {"documents": [...]}}), bare receipt objects, and
 * receipts keyed by numeric FFD tags. The file is streamed one record at a time, so its size is
 * bounded by the disk, not the heap.
 *
 * <p>A record is an element of the file's array of documents (or a top-level object). Records are
 * numbered from 1 by their position in the file, including the shift reports and other
 * non-receipt documents that are skipped, so that a person can find record N by counting.
 */
public final class ReceiptJsonReader {

    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Moscow");

    /** Receipts in the canonical form come from the fiscal data, whichever way the file was obtained. */
    public static final String SOURCE = "fiscal";

    static final int RAW_LIMIT = 1000;
    static final int PROGRESS_EVERY = 1000;

    /**
     * Floats as BigDecimal, kept exactly as written: a quantity of 0.348 must not become
     * 0.34799999 through a double, nor 1.000000 become 1E+0.
     */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();

    /** Keys under which an OFD wraps a document that records a sale (БСО is a receipt for services). */
    private static final List<String> RECEIPT_DOCUMENTS = List.of("receipt", "bso");

    /** Documents a cash register also produces, which carry no sale: skipped, not rejected. */
    private static final List<String> OTHER_DOCUMENTS = List.of("openShift", "closeShift", "fiscalReport",
            "fiscalReportCorrection", "currentStateReport", "closeArchive", "receiptCorrection", "bsoCorrection",
            "operatorAck");

    /** FFD document type codes of the documents above; 3 (receipt) and 4 (БСО) are sales. */
    private static final Set<Integer> OTHER_DOCUMENT_CODES = Set.of(1, 11, 2, 21, 31, 41, 5, 6, 7);

    private static final List<String> DOCUMENT_CODE_KEYS = List.of("documentType", "docType", "code", "receiptCode");

    /** Wrappers an export puts around the receipt, descended through in this order. */
    private static final List<String> WRAPPERS = List.of("ticket", "document");

    /** Top-level keys of an object that holds the list of documents rather than being a receipt. */
    private static final Set<String> DOCUMENT_ARRAYS = Set.of("documents", "receipts");

    private final ZoneId zone;

    public ReceiptJsonReader() {
        this(DEFAULT_ZONE);
    }

    /** @param zone the zone of the registers' local times (receipts carry no offset) */
    public ReceiptJsonReader(ZoneId zone) {
        this.zone = zone == null ? DEFAULT_ZONE : zone;
    }

    /**
     * Delivers every receipt of the file to the sink as it is read. Records before a point where
     * the JSON breaks have already been delivered when the exception is thrown.
     *
     * @throws UnreadableFileException the file is not JSON, not one of the accepted shapes, or
     *     broken part-way (the message names the record)
     */
    public void read(InputStream in, RecordSink sink) throws IOException, UnreadableFileException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(sink, "sink");
        try (JsonParser parser = MAPPER.createParser(in)) {
            new Run(parser, sink).readAll();
        }
    }

    /** One receipt mapped outside a file: exactly one of {@code record} and {@code rejection} is set. */
    public record Mapped(ReceiptRecord record, Rejection rejection) {
    }

    /**
     * Maps one receipt object (the content of {@code receipt}/{@code bso}, named or tag-numbered
     * fields) exactly as a file record is mapped, so that a receipt fetched from an OFD and the
     * same receipt imported from a file get the same natural key in the {@value #SOURCE} namespace.
     *
     * @param recordNo the number the record (or rejection) carries
     */
    public Mapped mapReceipt(JsonNode receipt, long recordNo) {
        Objects.requireNonNull(receipt, "receipt");
        ReceiptMapping mapping = new ReceiptMapping(receipt, zone);
        ReceiptRecord result = mapping.toRecord(recordNo);
        return result != null ? new Mapped(result, null) : new Mapped(null, new Rejection(recordNo, raw(receipt), mapping.problems()));
    }

    private enum Kind { RECEIPT, SKIPPED, UNKNOWN }

    private record Located(Kind kind, JsonNode receipt) {
        static final Located SKIP = new Located(Kind.SKIPPED, null);
        static final Located NOTHING = new Located(Kind.UNKNOWN, null);
    }

    /** The state of one read: the parser's position and how many records have been seen. */
    private final class Run {
        private final JsonParser parser;
        private final RecordSink sink;
        private long recordNo;
        /** Whether the parser is inside record {@code recordNo} rather than between records. */
        private boolean insideRecord;
        private boolean recognised;

        Run(JsonParser parser, RecordSink sink) {
            this.parser = parser;
            this.sink = sink;
        }

        void readAll() throws IOException, UnreadableFileException {
            JsonToken token;
            try {
                token = parser.nextToken();
            } catch (JsonProcessingException | CharConversionException e) {
                throw new UnreadableFileException("Файл не похож на JSON с чеками: " + describe(e), e);
            }
            if (token == null) {
                throw new UnreadableFileException("Файл не похож на JSON с чеками: файл пуст");
            }
            // more than one top-level value is JSON Lines: each value is read like a whole file
            while (token != null) {
                if (token == JsonToken.START_ARRAY) {
                    readRecords();
                } else if (token == JsonToken.START_OBJECT) {
                    readTopLevelObject();
                } else {
                    throw new UnreadableFileException("Файл не похож на JSON с чеками: на верхнем уровне "
                            + describe(token) + ", а ожидался массив чеков или объект");
                }
                token = next();
            }
            sink.progress(byteOffset());
        }

        /** Reads the elements of the array whose START_ARRAY is the current token. */
        private void readRecords() throws IOException, UnreadableFileException {
            while (next() != JsonToken.END_ARRAY) {
                recordNo++;
                insideRecord = true;
                JsonNode record = tree();
                insideRecord = false;
                accept(record);
            }
        }

        /**
         * A top-level object is either the envelope of a document list, streamed element by
         * element, or a single record, which is small enough to collect.
         */
        private void readTopLevelObject() throws IOException, UnreadableFileException {
            ObjectNode collected = MAPPER.createObjectNode();
            boolean streamed = false;
            while (next() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = next();
                if (streamed) {
                    parser.skipChildren();
                } else if (value == JsonToken.START_ARRAY && DOCUMENT_ARRAYS.contains(name)) {
                    readRecords();
                    streamed = true;
                } else {
                    collected.set(name, tree());
                }
            }
            if (!streamed) {
                recordNo++;
                accept(collected);
            }
        }

        private void accept(JsonNode record) throws UnreadableFileException {
            Located located = locate(record, 0);
            switch (located.kind()) {
                case RECEIPT -> {
                    recognised = true;
                    deliver(record, located.receipt());
                }
                case SKIPPED -> recognised = true;
                case UNKNOWN -> {
                    if (!recognised) {
                        // the first record decides whether this is a receipts file at all
                        throw new UnreadableFileException("Файл не похож на JSON с чеками: запись №" + recordNo
                                + " — " + describe(record) + ", в ней нет ни чека (receipt, ticket, document),"
                                + " ни полей чека (totalSum, items, dateTime)");
                    }
                    sink.rejected(new Rejection(recordNo, raw(record),
                            "Запись не похожа на чек: нет ни receipt, ни ticket, ни document, ни полей чека"));
                }
            }
            if (recordNo % PROGRESS_EVERY == 0) {
                sink.progress(byteOffset());
            }
        }

        private void deliver(JsonNode record, JsonNode receipt) {
            ReceiptMapping mapping = new ReceiptMapping(receipt, zone);
            ReceiptRecord result = mapping.toRecord(recordNo);
            if (result != null) {
                sink.receipt(result);
            } else {
                sink.rejected(new Rejection(recordNo, raw(record), mapping.problems()));
            }
        }

        private JsonToken next() throws IOException, UnreadableFileException {
            try {
                return parser.nextToken();
            } catch (JsonProcessingException | CharConversionException e) {
                throw broken(e);
            }
        }

        private JsonNode tree() throws IOException, UnreadableFileException {
            try {
                return parser.readValueAsTree();
            } catch (JsonProcessingException | CharConversionException e) {
                throw broken(e);
            }
        }

        private UnreadableFileException broken(IOException e) {
            long at = insideRecord ? recordNo : recordNo + 1;
            return new UnreadableFileException("JSON повреждён в записи №" + at + ": " + describe(e), e);
        }

        private long byteOffset() {
            return Math.max(0, parser.currentLocation().getByteOffset());
        }
    }

    private static Located locate(JsonNode node, int depth) {
        if (!node.isObject() || depth > 3) {
            return Located.NOTHING;
        }
        for (String key : RECEIPT_DOCUMENTS) {
            JsonNode child = node.get(key);
            if (child != null && child.isObject()) {
                return new Located(Kind.RECEIPT, child);
            }
        }
        for (String key : OTHER_DOCUMENTS) {
            JsonNode child = node.get(key);
            if (child != null && child.isObject()) {
                return Located.SKIP;
            }
        }
        if (isOtherDocumentCode(node)) {
            return Located.SKIP;
        }
        for (String key : WRAPPERS) {
            JsonNode child = node.get(key);
            if (child != null && child.isObject()) {
                Located inner = locate(child, depth + 1);
                if (inner.kind() != Kind.UNKNOWN) {
                    return inner;
                }
            }
        }
        return ReceiptMapping.looksLikeReceipt(node) ? new Located(Kind.RECEIPT, node) : Located.NOTHING;
    }

    private static boolean isOtherDocumentCode(JsonNode node) {
        for (String key : DOCUMENT_CODE_KEYS) {
            JsonNode code = node.get(key);
            if (code != null && (code.isIntegralNumber() || code.isTextual())) {
                String text = code.asText().trim();
                if (!text.isEmpty() && text.length() < 4 && text.chars().allMatch(Character::isDigit)
                        && OTHER_DOCUMENT_CODES.contains(Integer.parseInt(text))) {
                    return true;
                }
            }
        }
        return false;
    }

    static String raw(JsonNode record) {
        String text = record.toString();
        if (text.length() <= RAW_LIMIT) {
            return text;
        }
        int end = RAW_LIMIT;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "строка";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "число";
            case VALUE_TRUE, VALUE_FALSE -> "логическое значение";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            StringBuilder keys = new StringBuilder("объект с ключами ");
            Iterator<String> names = node.fieldNames();
            int shown = 0;
            while (names.hasNext() && shown < 8) {
                keys.append(shown++ == 0 ? "" : ", ").append(names.next());
            }
            if (names.hasNext()) {
                keys.append(", …");
            }
            return shown == 0 ? "пустой объект" : keys.toString();
        }
        if (node.isArray()) {
            return "массив";
        }
        String text = node.toString();
        return "значение " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }

    private static String describe(IOException e) {
        if (e instanceof JsonProcessingException jpe) {
            JsonLocation at = jpe.getLocation();
            String where = at == null ? "" : " (строка " + at.getLineNr() + ", столбец " + at.getColumnNr() + ")";
            return jpe.getOriginalMessage() + where;
        }
        return e.getMessage();
    }

    /**
     * Turns one receipt object into a canonical record, collecting every problem on the way so
     * that the rejection tells the whole story at once.
     */
    private static final class ReceiptMapping {

        private final JsonNode receipt;
        private final ZoneId zone;
        private final boolean tagged;
        private final List<String> problems = new ArrayList<>(2);

        ReceiptMapping(JsonNode receipt, ZoneId zone) {
            this.receipt = receipt;
            this.zone = zone;
            this.tagged = isTagged(receipt);
        }

        static boolean looksLikeReceipt(JsonNode node) {
            return Field.TOTAL_SUM.in(node) != null || Field.ITEMS.in(node) != null
                    || (Field.DATE_TIME.in(node) != null && Field.FD.in(node) != null);
        }

        private static boolean isTagged(JsonNode node) {
            return node.has(Field.TOTAL_SUM.tag) || node.has(Field.ITEMS.tag) || node.has(Field.DATE_TIME.tag)
                    || node.has(Field.FD.tag);
        }

        String problems() {
            return String.join("; ", problems);
        }

        /** The record, or null when there were problems (see {@link #problems()}). */
        ReceiptRecord toRecord(long recordNo) {
            String driveNumber = text(receipt, Field.FN);
            if (driveNumber == null) {
                missing(Field.FN);
            }
            String documentNumber = documentNumber();
            Instant purchasedAt = dateTime();
            Long total = money(receipt, Field.TOTAL_SUM, true, null);
            Long cash = money(receipt, Field.CASH, false, null);
            Long ecash = money(receipt, Field.ECASH, false, null);
            boolean refund = refund();
            List<ReceiptLine> lines = lines();
            if (!problems.isEmpty()) {
                return null;
            }
            return new ReceiptRecord(SOURCE, driveNumber + ":" + documentNumber, recordNo, 1, purchasedAt,
                    rubles(total), BigDecimal.ZERO, payment(cash, ecash), pointOfSale(), refund, buyer(), lines);
        }

        private String documentNumber() {
            JsonNode value = Field.FD.in(receipt);
            if (value == null || value.asText().isBlank()) {
                missing(Field.FD);
                return null;
            }
            String text = value.asText().trim();
            if (value.isIntegralNumber() || text.chars().allMatch(Character::isDigit)) {
                try {
                    // "00123" and 123 are the same document
                    return Long.toString(Long.parseLong(text));
                } catch (NumberFormatException e) {
                    // falls through to the problem below
                }
            }
            invalid(Field.FD, value, "не номер документа");
            return null;
        }

        private Instant dateTime() {
            JsonNode value = Field.DATE_TIME.in(receipt);
            if (value == null) {
                missing(Field.DATE_TIME);
                return null;
            }
            Instant parsed = parseDateTime(value);
            if (parsed == null) {
                invalid(Field.DATE_TIME, value, "не дата");
            }
            return parsed;
        }

        private Instant parseDateTime(JsonNode value) {
            if (value.isIntegralNumber()) {
                return epoch(value.asLong());
            }
            if (value.isNumber()) {
                // exports made by scripts sometimes write the timestamp as 1616050800.0
                BigDecimal seconds = value.decimalValue();
                return seconds.stripTrailingZeros().scale() <= 0 ? epoch(seconds.longValue()) : null;
            }
            if (!value.isTextual()) {
                return null;
            }
            String text = value.asText().trim();
            if (!text.isEmpty() && text.length() <= 13 && text.chars().allMatch(Character::isDigit)) {
                return epoch(Long.parseLong(text));
            }
            if (text.length() > 10 && text.charAt(10) == ' ') {
                text = text.substring(0, 10) + 'T' + text.substring(11);
            }
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeParseException notLocal) {
                try {
                    return OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeParseException notOffset) {
                    return null;
                }
            }
        }

        /**
         * Some exports write the time as a Unix timestamp, mostly in seconds, rarely in
         * milliseconds. The register stores its local wall-clock time in FFD tag 1012 as if it
         * were UTC, and the FNS export passes that number on (receipt viewers show it with
         * utcfromtimestamp), so it is read in the registers' zone like the text form: otherwise
         * the same receipt in the two forms would be hours apart and land on another day.
         */
        private Instant epoch(long value) {
            if (value <= 0) {
                return null;
            }
            long seconds = value >= 100_000_000_000L ? Math.floorDiv(value, 1000L) : value;
            int nanos = value >= 100_000_000_000L ? (int) Math.floorMod(value, 1000L) * 1_000_000 : 0;
            return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC).atZone(zone).toInstant();
        }

        private boolean refund() {
            JsonNode value = Field.OPERATION.in(receipt);
            if (value == null) {
                return false;
            }
            switch (value.asText().trim()) {
                case "1":
                    return false;
                case "2":
                    return true;
                // the shop paying someone (buying scrap from a person) and that payment coming back
                // are no client's purchase
                case "3":
                    invalid(Field.OPERATION, value, "расход, не продажа");
                    return false;
                case "4":
                    invalid(Field.OPERATION, value, "возврат расхода, не продажа");
                    return false;
                default:
                    invalid(Field.OPERATION, value, "неизвестный тип операции (ожидается 1–4)");
                    return false;
            }
        }

        private List<ReceiptLine> lines() {
            JsonNode items = Field.ITEMS.in(receipt);
            if (items == null) {
                return List.of();
            }
            if (!items.isArray()) {
                invalid(Field.ITEMS, items, "не список позиций");
                return List.of();
            }
            List<ReceiptLine> lines = new ArrayList<>(items.size());
            int lineNo = 0;
            for (JsonNode item : items) {
                lineNo++;
                String at = "Позиция " + lineNo + ", ";
                if (!item.isObject()) {
                    problems.add(at + "не объект");
                    continue;
                }
                String name = text(item, Field.ITEM_NAME);
                BigDecimal quantity = quantity(item, at);
                Long price = money(item, Field.ITEM_PRICE, false, at);
                Long sum = money(item, Field.ITEM_SUM, false, at);
                if (quantity == null || (price == null && Field.ITEM_PRICE.in(item) != null)
                        || (sum == null && Field.ITEM_SUM.in(item) != null)) {
                    continue;
                }
                BigDecimal priceRub = price == null ? null : rubles(price);
                BigDecimal amount;
                if (sum != null) {
                    amount = rubles(sum);
                } else if (priceRub != null) {
                    amount = priceRub.multiply(quantity).setScale(2, RoundingMode.HALF_UP);
                } else {
                    problems.add(at + "нет ни " + label(item, Field.ITEM_SUM) + ", ни " + label(item, Field.ITEM_PRICE));
                    continue;
                }
                if (priceRub == null) {
                    priceRub = quantity.signum() == 0 ? amount : amount.divide(quantity, 2, RoundingMode.HALF_UP);
                }
                lines.add(new ReceiptLine(lineNo, name == null ? "(без названия)" : name, null, quantity, priceRub, amount));
            }
            return lines;
        }

        /** Registers print 1 when no quantity is set, and some exports drop the field in that case. */
        private BigDecimal quantity(JsonNode item, String at) {
            JsonNode value = Field.ITEM_QUANTITY.in(item);
            if (value == null) {
                return BigDecimal.ONE;
            }
            BigDecimal quantity = null;
            if (value.isNumber()) {
                quantity = value.decimalValue();
            } else if (value.isTextual()) {
                try {
                    quantity = new BigDecimal(value.asText().trim().replace(',', '.'));
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            if (quantity == null) {
                problems.add(at + "поле " + label(item, Field.ITEM_QUANTITY) + ": «" + value.asText() + "» — не количество");
            } else if (quantity.signum() < 0) {
                problems.add(at + "поле " + label(item, Field.ITEM_QUANTITY) + ": «" + value.asText() + "» — отрицательное количество");
                quantity = null;
            }
            return quantity;
        }

        /** Money of a receipt is whole kopecks; a value with a fractional part is not ours to guess. */
        private Long money(JsonNode node, Field field, boolean required, String at) {
            JsonNode value = field.in(node);
            if (value == null) {
                if (required) {
                    missing(field);
                }
                return null;
            }
            Long kopecks = null;
            BigDecimal amount = null;
            if (value.isNumber()) {
                amount = value.decimalValue();
            } else if (value.isTextual()) {
                try {
                    amount = new BigDecimal(value.asText().trim());
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            if (amount != null) {
                try {
                    kopecks = amount.longValueExact();
                } catch (ArithmeticException e) {
                    // a fraction or out of range: reported below
                }
            }
            String prefix = (at == null ? "Поле " : at + "поле ") + label(node, field);
            if (kopecks == null) {
                problems.add(prefix + ": «" + value.asText() + "» — не сумма в копейках");
            } else if (kopecks < 0) {
                problems.add(prefix + ": «" + value.asText() + "» — отрицательная сумма");
                kopecks = null;
            }
            return kopecks;
        }

        private String payment(Long cash, Long ecash) {
            boolean byCash = cash != null && cash > 0;
            boolean byCard = ecash != null && ecash > 0;
            if (byCash && byCard) {
                return "mixed";
            }
            return byCash ? "cash" : byCard ? "card" : null;
        }

        private String pointOfSale() {
            String place = text(receipt, Field.RETAIL_PLACE);
            if (place == null) {
                place = text(receipt, Field.RETAIL_PLACE_ADDRESS);
            }
            return place != null ? place : text(receipt, Field.KKT_REG_ID);
        }

        private Buyer buyer() {
            return Contacts.buyerFromTag1008(text(receipt, Field.BUYER_CONTACT), text(receipt, Field.BUYER_NAME));
        }

        private static BigDecimal rubles(long kopecks) {
            return BigDecimal.valueOf(kopecks, 2);
        }

        /** Trimmed text of a scalar field; null when absent or blank. */
        private static String text(JsonNode node, Field field) {
            JsonNode value = field.in(node);
            if (value == null || !value.isValueNode()) {
                return null;
            }
            String text = value.asText().trim();
            return text.isEmpty() ? null : text;
        }

        private void missing(Field field) {
            problems.add("Поле " + label(receipt, field) + " отсутствует");
        }

        private void invalid(Field field, JsonNode value, String what) {
            String shown = value.isValueNode() ? value.asText() : value.toString();
            if (shown.length() > 60) {
                shown = shown.substring(0, 60) + "…";
            }
            problems.add("Поле " + label(receipt, field) + ": «" + shown + "» — " + what);
        }

        /**
         * Names the field, quoted, as this file spells it, so the reason can be matched with the
         * raw record: «totalSum», or «1020» (totalSum) in a file keyed by tag numbers.
         */
        private String label(JsonNode node, Field field) {
            String key = null;
            for (String candidate : field.keys) {
                if (node.has(candidate)) {
                    key = candidate;
                    break;
                }
            }
            if (key == null) {
                key = tagged ? field.tag : field.keys.get(0);
            }
            return key.equals(field.tag) ? "«" + key + "» (" + field.keys.get(0) + ")" : "«" + key + "»";
        }
    }

    /** A receipt field under its FNS JSON names and its FFD tag number. */
    private enum Field {
        DATE_TIME("1012", "dateTime"),
        TOTAL_SUM("1020", "totalSum"),
        CASH("1031", "cashTotalSum"),
        ECASH("1081", "ecashTotalSum"),
        FN("1041", "fiscalDriveNumber"),
        FD("1040", "fiscalDocumentNumber"),
        OPERATION("1054", "operationType"),
        ITEMS("1059", "items"),
        BUYER_CONTACT("1008", "buyerPhoneOrAddress", "buyerAddress"),
        BUYER_NAME("1227", "buyer"),
        RETAIL_PLACE("1187", "retailPlace"),
        RETAIL_PLACE_ADDRESS("1009", "retailPlaceAddress"),
        KKT_REG_ID("1037", "kktRegId"),
        ITEM_NAME("1030", "name"),
        ITEM_PRICE("1079", "price"),
        ITEM_QUANTITY("1023", "quantity"),
        ITEM_SUM("1043", "sum");

        final String tag;
        final List<String> keys;

        Field(String tag, String... names) {
            this.tag = tag;
            List<String> all = new ArrayList<>(List.of(names));
            all.add(tag);
            this.keys = List.copyOf(all);
        }

        /** The field's value in the object, or null when absent or JSON null. */
        JsonNode in(JsonNode node) {
            for (String key : keys) {
                JsonNode value = node.get(key);
                if (value != null && !value.isNull()) {
                    return value;
                }
            }
            return null;
        }
    }
}
