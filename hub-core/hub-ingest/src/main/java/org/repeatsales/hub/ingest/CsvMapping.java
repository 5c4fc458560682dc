package org.repeatsales.hub.ingest;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the columns of one kind of CSV or Excel export map to receipt fields; loaded from YAML by
 * {@link MappingCatalog}. See {@code config/mappings/1c-retail.yml} for the documented layout.
 *
 * @param source namespace of the receipts' natural keys; defaults to {@code name}
 * @param encoding {@code auto}, {@code utf-8} or {@code windows-1251}; defaults to auto
 * @param delimiter {@code auto}, {@code ;}, {@code ,} or {@code tab}; defaults to auto
 * @param sheet Excel sheet name; null for the first sheet
 * @param columns canonical field (see {@link #FIELDS}) to the column header in the file
 * @param key fields whose values, joined with {@code |}, make the receipt's natural key; a field
 *     ending in {@code ?} is used when the file has its column and filled in, and left out
 *     otherwise; {@code purchaseDay} is the purchase date of {@code purchasedAt}, for receipt
 *     numbers that start again every shift or day
 * @param required fields whose columns must be in the file's header; the key fields and
 *     {@code purchasedAt} are always added
 * @param refundValues values of the {@code operation} column that mean a refund
 */
public record CsvMapping(
        String name,
        String description,
        String source,
        String encoding,
        String delimiter,
        String sheet,
        Map<String, String> columns,
        List<String> key,
        List<String> required,
        List<String> refundValues) {

    public static final String PURCHASED_AT = "purchasedAt";
    public static final String RECEIPT_NUMBER = "receiptNumber";
    public static final String BUYER_NAME = "buyerName";
    public static final String PHONE = "phone";
    public static final String EMAIL = "email";
    public static final String ITEM = "item";
    public static final String QUANTITY = "quantity";
    public static final String PRICE = "price";
    public static final String AMOUNT = "amount";
    public static final String CATEGORY = "category";
    public static final String DISCOUNT = "discount";
    public static final String RECEIPT_TOTAL = "receiptTotal";
    public static final String PAYMENT = "payment";
    public static final String POINT_OF_SALE = "pointOfSale";
    public static final String CLIENT_KEY = "clientKey";
    public static final String BIRTHDAY = "birthday";
    public static final String CITY = "city";
    public static final String OPERATION = "operation";
    public static final String EMAIL_CONSENT = "emailConsent";
    public static final String SMS_CONSENT = "smsConsent";
    public static final String TELEGRAM_CONSENT = "telegramConsent";
    public static final String CONSENT_DATE = "consentDate";
    /** Not a column: the day of {@link #PURCHASED_AT}, usable only as a part of the key. */
    public static final String PURCHASE_DAY = "purchaseDay";

    /** Consent column fields and the channel each one is about. */
    public static final java.util.Map<String, String> CONSENT_CHANNELS = java.util.Map.of(
            EMAIL_CONSENT, "EMAIL", SMS_CONSENT, "SMS", TELEGRAM_CONSENT, "TELEGRAM");

    /** The canonical fields a column can be mapped to. */
    public static final Set<String> FIELDS = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(List.of(
            PURCHASED_AT, RECEIPT_NUMBER, BUYER_NAME, PHONE, EMAIL, ITEM, QUANTITY, PRICE, AMOUNT, CATEGORY,
            DISCOUNT, RECEIPT_TOTAL, PAYMENT, POINT_OF_SALE, CLIENT_KEY, BIRTHDAY, CITY, OPERATION,
            EMAIL_CONSENT, SMS_CONSENT, TELEGRAM_CONSENT, CONSENT_DATE)));

    public CsvMapping {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("mapping has no name");
        }
        name = name.trim();
        source = source == null || source.isBlank() ? name : source.trim();
        encoding = encoding == null || encoding.isBlank() ? "auto" : encoding.trim();
        delimiter = delimiter == null || delimiter.isEmpty() ? "auto" : delimiter;
        sheet = sheet == null || sheet.isBlank() ? null : sheet.trim();
        if (columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException("mapping '" + name + "' has no columns");
        }
        Map<String, String> cols = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : columns.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                throw new IllegalArgumentException("mapping '" + name + "': unknown field '" + e.getKey() + "'; known fields: " + FIELDS);
            }
            if (e.getValue() != null && !e.getValue().isBlank()) {
                cols.put(e.getKey(), e.getValue().trim());
            }
        }
        columns = Collections.unmodifiableMap(cols);
        if (!columns.containsKey(PURCHASED_AT)) {
            throw new IllegalArgumentException("mapping '" + name + "' does not map purchasedAt");
        }
        if (!columns.containsKey(AMOUNT) && !(columns.containsKey(QUANTITY) && columns.containsKey(PRICE))) {
            throw new IllegalArgumentException("mapping '" + name + "' maps neither amount nor quantity and price");
        }
        key = key == null || key.isEmpty() ? List.of(RECEIPT_NUMBER) : key.stream().map(String::trim).toList();
        List<KeyPart> parts = new ArrayList<>();
        for (String k : key) {
            KeyPart part = KeyPart.of(k);
            if (!part.field().equals(PURCHASE_DAY) && !columns.containsKey(part.field())) {
                throw new IllegalArgumentException("mapping '" + name + "': key field '" + part.field() + "' is not in columns");
            }
            if (parts.stream().anyMatch(p -> p.field().equals(part.field()))) {
                throw new IllegalArgumentException("mapping '" + name + "': key field '" + part.field() + "' is named twice");
            }
            parts.add(part);
        }
        if (parts.stream().allMatch(p -> p.optional() || p.field().equals(PURCHASE_DAY))) {
            throw new IllegalArgumentException("mapping '" + name + "': the key needs at least one column that every row fills in,"
                    + " such as receiptNumber");
        }
        // nothing can be imported without a date and a key, so their columns are always required
        List<String> req = new ArrayList<>(required == null ? List.of() : required);
        for (KeyPart implied : parts) {
            if (!implied.optional() && !implied.field().equals(PURCHASE_DAY) && !req.contains(implied.field())) {
                req.add(implied.field());
            }
        }
        if (!req.contains(PURCHASED_AT)) {
            req.add(PURCHASED_AT);
        }
        required = List.copyOf(req);
        for (String r : required) {
            if (!columns.containsKey(r)) {
                throw new IllegalArgumentException("mapping '" + name + "': required field '" + r + "' is not in columns");
            }
        }
        refundValues = refundValues == null ? List.of() : List.copyOf(refundValues);
    }

    /** One field of the natural key; an optional one is left out when the file lacks its column or the row its value. */
    public record KeyPart(String field, boolean optional) {

        static KeyPart of(String entry) {
            boolean optional = entry.endsWith("?");
            return new KeyPart(optional ? entry.substring(0, entry.length() - 1).trim() : entry, optional);
        }
    }

    /** The key's fields, in order. */
    public List<KeyPart> keyParts() {
        return key.stream().map(KeyPart::of).toList();
    }

    /** The header of the column mapped to {@code field}, or null when the field is not mapped. */
    public String column(String field) {
        return columns.get(field);
    }

    /** The headers of the required columns, in the order of {@link #required()}. */
    public List<String> requiredColumns() {
        return required.stream().map(columns::get).toList();
    }

    /** The configured delimiter, or 0 to detect it from the header. */
    char delimiterChar() {
        String d = delimiter.trim().toLowerCase(Locale.ROOT);
        if (delimiter.equals("\t") || d.equals("tab") || d.equals("\\t")) {
            return '\t';
        }
        if (d.equals("auto")) {
            return 0;
        }
        if (d.length() != 1) {
            throw new IllegalArgumentException("mapping '" + name + "': delimiter must be auto, \";\", \",\" or tab, not '" + delimiter + "'");
        }
        return d.charAt(0);
    }

    /** True when the mapping pins an encoding instead of detecting it. */
    boolean fixedEncoding() {
        return !encoding.equalsIgnoreCase("auto");
    }

    boolean isRefundOperation(String operation) {
        if (operation == null) {
            return false;
        }
        String op = Headers.normalize(operation);
        for (String v : refundValues) {
            if (Headers.normalize(v).equals(op)) {
                return true;
            }
        }
        return false;
    }

    static boolean sameCharset(String encodingName, Charset charset) {
        try {
            return Charset.forName(encodingName.trim()).equals(charset);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
