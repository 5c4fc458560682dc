package org.repeatsales.hub.routes.onec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.repeatsales.hub.ingest.Buyer;
import org.repeatsales.hub.ingest.Contacts;
import org.repeatsales.hub.ingest.ReceiptLine;
import org.repeatsales.hub.ingest.ReceiptRecord;

/**
 * Turns a page of 1C OData sales documents into canonical receipts, and a counterparty entity into
 * a buyer. Plain code, no I/O: counterparties come through the lookup the caller passes.
 *
 * <p>Rules: the natural key is the document's {@code Ref_Key}; a document marked for deletion is
 * removed from the store; an unposted document is not a sale (removed if it was stored before,
 * unless unposted documents are imported); the zero GUID and {@code 0001-01-01T00:00:00} mean
 * empty. A page whose structure is not what 1C sends fails as a whole with the reason.
 */
public final class OneCDocumentMapper {

    public static final String EMPTY_GUID = "00000000-0000-0000-0000-000000000000";
    private static final String EMPTY_DATE = "0001-01-01T00:00:00";

    private final String source;
    private final OneCFields fields;
    private final ZoneId zone;
    private final boolean importUnposted;

    /**
     * @param source the key namespace of the receipts (the source instance id)
     * @param zone 1C document times carry no zone; they are the business's local time
     */
    public OneCDocumentMapper(String source, OneCFields fields, ZoneId zone, boolean importUnposted) {
        this.source = source;
        this.fields = fields;
        this.zone = zone;
        this.importUnposted = importUnposted;
    }

    /** A page's receipts, keys to remove, and the latest document time it covers. */
    public record Page(List<ReceiptRecord> receipts, List<String> removedKeys, int documents, int deleted, int unposted,
                       int unchanged, LocalDateTime latest) {
    }

    /** A structure 1C would not send; the reason names the document and field. */
    public static final class MalformedException extends Exception {
        public MalformedException(String message) {
            super(message);
        }
    }

    /** A goods item as the catalog names it, with the name of its group as category (null when it has none). */
    public record Item(String name, String category) {
    }

    /** An entity of the goods catalog: its key, name and group reference (null for none). */
    public record CatalogEntry(String key, String name, String groupKey) {
    }

    /** References of a page that need a lookup: counterparties and goods items, without the zero GUID. */
    public record References(Set<String> counterparties, Set<String> items) {
    }

    /**
     * What a page refers to, so the caller can fetch the counterparties and items it does not know
     * in a few batched requests before mapping. Values that are not GUIDs are left out here and
     * refused by {@link #map}.
     */
    public References references(JsonNode root) {
        Set<String> counterparties = new LinkedHashSet<>();
        Set<String> items = new LinkedHashSet<>();
        JsonNode value = root == null ? null : root.get("value");
        if (value == null || !value.isArray()) {
            return new References(counterparties, items);
        }
        for (JsonNode doc : value) {
            addGuid(counterparties, doc.get(fields.counterparty()));
            for (String table : fields.lineTables()) {
                JsonNode rows = doc.get(table);
                if (rows != null && rows.isArray()) {
                    for (JsonNode row : rows) {
                        if (text(row, fields.itemText()) == null) {
                            addGuid(items, row.get(fields.item()));
                        }
                    }
                }
            }
        }
        return new References(counterparties, items);
    }

    private static void addGuid(Set<String> keys, JsonNode value) {
        if (value != null && value.isTextual()) {
            String key = value.asText().trim();
            if (!EMPTY_GUID.equals(key) && isGuid(key)) {
                keys.add(key.toLowerCase());
            }
        }
    }

    /** A goods catalog entity ({@code Catalog_Номенклатура}) as name and group. */
    public CatalogEntry catalogEntry(JsonNode entity) throws MalformedException {
        String key = guid(entity, fields.key(), 0);
        if (key == null) {
            throw new MalformedException("элемент номенклатуры без ключа " + fields.key());
        }
        return new CatalogEntry(key, text(entity, fields.itemName()), guid(entity, fields.itemGroup(), 0));
    }

    /** The document's version stamp ({@code DataVersion}), or null when the entity set does not publish it. */
    public String dataVersion(JsonNode doc) {
        return text(doc, fields.dataVersion());
    }

    /** The document's key, lower-cased as receipts are keyed, or null when absent or not a GUID. */
    public String keyOf(JsonNode doc) {
        String value = text(doc, fields.key());
        return value == null || !isGuid(value) ? null : value.toLowerCase();
    }

    public Page map(JsonNode root, Function<String, Buyer> counterparties) throws MalformedException {
        return map(root, counterparties, key -> null, key -> false);
    }

    /**
     * @param items the catalog's name (and group) of a goods item by key; null when unknown, and the
     *     line is then named by the key
     * @param unchanged documents (by key) the caller already stored in this very version: left out
     *     of the page, neither mapped nor written
     */
    public Page map(JsonNode root, Function<String, Buyer> counterparties, Function<String, Item> items,
                    java.util.function.Predicate<JsonNode> unchanged) throws MalformedException {
        JsonNode value = root == null ? null : root.get("value");
        if (value == null || !value.isArray()) {
            throw new MalformedException("в ответе нет массива \"value\"");
        }
        List<ReceiptRecord> receipts = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        int deleted = 0;
        int unposted = 0;
        int same = 0;
        LocalDateTime latest = null;
        int n = 0;
        for (JsonNode doc : value) {
            n++;
            String key = guid(doc, fields.key(), n);
            if (key == null) {
                throw new MalformedException("документ " + n + ": нет ключа " + fields.key());
            }
            LocalDateTime date = dateOf(doc, key);
            latest = latest == null || date.isAfter(latest) ? date : latest;
            if (unchanged.test(doc)) {
                same++;
                continue;
            }
            if (flag(doc, fields.deletionMark(), key, false)) {
                deleted++;
                removed.add(key);
                continue;
            }
            if (!importUnposted && !flag(doc, fields.posted(), key, true)) {
                // an unposted document is not a sale; if it was stored while posted, it goes
                unposted++;
                removed.add(key);
                continue;
            }
            receipts.add(receipt(doc, key, date, n, counterparties, items));
        }
        return new Page(receipts, removed, n, deleted, unposted, same, latest);
    }

    /** The buyer a {@code Catalog_Контрагенты} entity describes: name, first phone and e-mail, its key. */
    public Buyer buyer(JsonNode counterparty) throws MalformedException {
        String key = guid(counterparty, fields.key(), 0);
        if (key == null) {
            throw new MalformedException("контрагент без ключа " + fields.key());
        }
        String name = text(counterparty, fields.counterpartyName());
        String phone = null;
        String email = null;
        JsonNode contacts = counterparty.get(fields.contactTable());
        if (contacts != null && contacts.isArray()) {
            for (JsonNode row : contacts) {
                String type = text(row, fields.contactType());
                String value = firstText(row, fields.contactValue(), "АдресЭП", "НомерТелефона");
                if (value == null) {
                    continue;
                }
                boolean isEmail = type == null ? value.contains("@") : type.contains("Почт") || type.toLowerCase().contains("mail");
                boolean isPhone = type == null ? !value.contains("@") : type.contains("Телефон");
                if (isEmail && email == null) {
                    email = Contacts.email(value);
                } else if (isPhone && phone == null) {
                    phone = Contacts.phone(value);
                }
            }
        }
        return new Buyer(name, phone, email, key, null, null);
    }

    private ReceiptRecord receipt(JsonNode doc, String key, LocalDateTime date, int n, Function<String, Buyer> counterparties,
                                  Function<String, Item> items) throws MalformedException {
        List<ReceiptLine> lines = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (String table : fields.lineTables()) {
            JsonNode rows = doc.get(table);
            if (rows == null || rows.isNull()) {
                continue;
            }
            if (!rows.isArray()) {
                throw new MalformedException("документ " + key + ": табличная часть " + table + " не массив");
            }
            for (JsonNode row : rows) {
                BigDecimal amount = money(row, fields.amount(), key, table);
                String item = text(row, fields.itemText());
                String category = table;
                if (item == null) {
                    String ref = text(row, fields.item());
                    item = EMPTY_GUID.equals(ref) ? null : ref;
                    Item named = item == null ? null : items.apply(item.toLowerCase());
                    if (named != null && named.name() != null) {
                        item = named.name();
                        category = named.category() == null ? table : named.category();
                    }
                }
                lines.add(new ReceiptLine(lines.size() + 1, item, category, number(row, fields.quantity(), key, table, 3),
                        number(row, fields.price(), key, table, 2), amount));
                sum = sum.add(amount);
            }
        }
        BigDecimal total = doc.hasNonNull(fields.total()) ? money(doc, fields.total(), key, null) : sum;
        String counterparty = guid(doc, fields.counterparty(), n);
        Buyer buyer = counterparty == null ? Buyer.ANONYMOUS : counterparties.apply(counterparty);
        return new ReceiptRecord(source, key, n, 1, date.atZone(zone).toInstant(), total, null, null, null, false, buyer, lines);
    }

    private LocalDateTime dateOf(JsonNode doc, String key) throws MalformedException {
        String raw = text(doc, fields.date());
        if (raw == null || raw.startsWith(EMPTY_DATE)) {
            throw new MalformedException("документ " + key + ": нет даты " + fields.date());
        }
        try {
            return dateTime(raw);
        } catch (DateTimeException e) {
            throw new MalformedException("документ " + key + ": дата " + fields.date() + " «" + raw + "» не читается");
        }
    }

    /**
     * 1C's {@code yyyy-MM-ddTHH:mm:ss} read by position (a page has 500 of them, and the ISO
     * formatter's general parse was a third of the mapping's time); any other form goes to it.
     */
    static LocalDateTime dateTime(String raw) {
        if (raw.length() == 19 && raw.charAt(4) == '-' && raw.charAt(7) == '-' && raw.charAt(10) == 'T'
                && raw.charAt(13) == ':' && raw.charAt(16) == ':') {
            int year = digits(raw, 0, 4);
            int month = digits(raw, 5, 7);
            int day = digits(raw, 8, 10);
            int hour = digits(raw, 11, 13);
            int minute = digits(raw, 14, 16);
            int second = digits(raw, 17, 19);
            if ((year | month | day | hour | minute | second) >= 0) {
                return LocalDateTime.of(year, month, day, hour, minute, second); // checks the ranges
            }
        }
        return LocalDateTime.parse(raw);
    }

    /** The decimal number written by the ASCII digits {@code from..to}, or -1 if one is not a digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * Whether {@code value} is a GUID as 1C writes it (8-4-4-4-12 hexadecimal digits), checked by
     * hand: it runs for every reference of every page, where a regex match showed in the profile.
     */
    static boolean isGuid(String value) {
        if (value.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A reference, or null for the zero GUID or an absent field. */
    private static String guid(JsonNode node, String field, int n) throws MalformedException {
        String value = text(node, field);
        if (value == null || EMPTY_GUID.equals(value)) {
            return null;
        }
        if (!isGuid(value)) {
            throw new MalformedException((n > 0 ? "документ " + n : "объект") + ": " + field + " «" + value + "» не GUID");
        }
        return value.toLowerCase();
    }

    private static boolean flag(JsonNode doc, String field, String key, boolean absent) throws MalformedException {
        JsonNode v = doc.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw new MalformedException("документ " + key + ": " + field + " не true/false");
        }
        return v.booleanValue();
    }

    private static BigDecimal money(JsonNode node, String field, String key, String table) throws MalformedException {
        BigDecimal v = number(node, field, key, table, 2);
        if (v == null) {
            throw new MalformedException("документ " + key + (table == null ? "" : ", " + table) + ": нет суммы " + field);
        }
        return v;
    }

    private static BigDecimal number(JsonNode node, String field, String key, String table, int scale) throws MalformedException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            BigDecimal d = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().trim());
            return d.setScale(scale, RoundingMode.HALF_UP);
        } catch (NumberFormatException e) {
            throw new MalformedException("документ " + key + (table == null ? "" : ", " + table) + ": " + field
                    + " «" + v.asText() + "» не число");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText().trim();
        return s.isEmpty() ? null : s;
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String v = text(node, f);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
