package org.repeatsales.hub.routes.ofdru;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renames an OFD.ru receipt into the FFD field names the receipts-JSON mapping reads
 * ({@code fiscalDriveNumber}, {@code fiscalDocumentNumber}, {@code totalSum}, {@code items}, tag
 * 1008 as {@code buyerPhoneOrAddress}), so the hub's one receipt mapping (and its natural key
 * ФН:ФД) applies to OFD.ru as to files and Kontur. Plain code, no I/O.
 *
 * <p>OFD.ru writes the same receipt two ways: the list ({@code receipts}, {@code receipts-info})
 * with {@code FnNumber}, {@code DocNumber}, {@code DocDateTime}, {@code TotalSumm} and the operation
 * as text ({@code "Income"}, {@code "Refund income"}); the single receipt ({@code receipt/{id}})
 * with {@code FN_FactoryNumber}, {@code Document_Number}, {@code DateTime}, {@code Amount_Total},
 * {@code Buyer_Address}, {@code Items} and the operation as its FFD number. Sums are kopecks in both.
 * Values are moved as they are: judging them (a missing drive number, a fractional sum) is the
 * receipt mapping's job, so an OFD.ru receipt is refused for the same reasons as a file's.
 */
public final class OfdRuReceiptMapper {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /** Some accounts answer dates in the US form of the API's .NET serializer. */
    private static final DateTimeFormatter US_DATE_TIME = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss", Locale.ROOT);

    /** FFD name first, then the OFD.ru names it may come under (list form, single-receipt form). */
    private static final List<List<String>> FIELDS = List.of(
            List.of("fiscalDriveNumber", "FnNumber", "FN_FactoryNumber", "FnFactoryNumber"),
            List.of("fiscalDocumentNumber", "DocNumber", "Document_Number", "DocumentNumber"),
            List.of("totalSum", "TotalSumm", "Amount_Total", "AmountTotal"),
            List.of("cashTotalSum", "CashSumm", "Amount_Cash", "AmountCash"),
            List.of("ecashTotalSum", "ECashSumm", "Amount_ECash", "AmountECash"),
            List.of("buyerPhoneOrAddress", "Buyer_Address", "BuyerAddress", "BuyerPhoneOrAddress", "Buyer_PhoneOrAddress"),
            List.of("buyer", "Buyer", "Buyer_Name"),
            List.of("kktRegId", "KktRegNumber", "KKT_RegNumber", "KktRegId"),
            List.of("userInn", "UserInn", "User_Inn"),
            List.of("retailPlace", "Retail_Place", "RetailPlace"),
            List.of("retailPlaceAddress", "Retail_Place_Address", "RetailPlaceAddress"),
            List.of("fiscalSign", "DecimalFiscalSign"));

    private static final List<String> DATE_TIME = List.of("DocDateTime", "DateTime");
    private static final List<String> OPERATION = List.of("OperationType", "Operation_Type");
    private static final List<String> ITEMS = List.of("Items", "items");

    private static final List<List<String>> ITEM_FIELDS = List.of(
            List.of("name", "Name"),
            List.of("price", "Price"),
            List.of("quantity", "Quantity"),
            List.of("sum", "Total", "Sum"));

    /** The operation as OFD.ru spells it in lists, lower-cased without spaces, to its FFD number (tag 1054). */
    private static final Map<String, Integer> OPERATIONS = Map.ofEntries(
            Map.entry("income", 1),
            Map.entry("refundincome", 2), Map.entry("incomerefund", 2), Map.entry("returnincome", 2), Map.entry("incomereturn", 2),
            Map.entry("expense", 3), Map.entry("outcome", 3),
            Map.entry("refundexpense", 4), Map.entry("refundoutcome", 4), Map.entry("returnexpense", 4),
            Map.entry("expensereturn", 4), Map.entry("returnoutcome", 4), Map.entry("outcomereturn", 4));

    /** FFD document types of correction receipts (31, 41): they fix a register's totals, not a client's purchase. */
    private static final List<Integer> CORRECTION_TAGS = List.of(31, 41);

    private OfdRuReceiptMapper() {
    }

    /** Whether the receipt is a correction receipt, which records no sale and is skipped. */
    public static boolean isCorrection(JsonNode receipt) {
        JsonNode flag = receipt.get("IsCorrection");
        if (flag != null && flag.asBoolean(false)) {
            return true;
        }
        JsonNode tag = receipt.get("Tag");
        return tag != null && tag.canConvertToInt() && CORRECTION_TAGS.contains(tag.asInt());
    }

    /** Whether the list element already carries its lines, so no request for the single receipt is needed. */
    public static boolean hasItems(JsonNode receipt) {
        return first(receipt, ITEMS) != null;
    }

    /** The receipt's id for {@code receipt/{id}} ({@code Id}, or {@code DocRawId} in older lists), or null. */
    public static String idOf(JsonNode receipt) {
        JsonNode id = receipt.hasNonNull("Id") ? receipt.get("Id") : receipt.get("DocRawId");
        return id == null || id.asText().isBlank() ? null : id.asText().trim();
    }

    /**
     * The receipt in FFD names. {@code detail}, when not null, is the single-receipt answer of the
     * same receipt: its lines and buyer contact fill what the list element lacks.
     */
    public static ObjectNode toFfd(JsonNode listed, JsonNode detail) {
        ObjectNode ffd = NODES.objectNode();
        for (List<String> names : FIELDS) {
            JsonNode value = first(listed, names.subList(1, names.size()));
            if (value == null && detail != null) {
                value = first(detail, names.subList(1, names.size()));
            }
            if (value != null) {
                ffd.set(names.get(0), value);
            }
        }
        JsonNode date = first(listed, DATE_TIME);
        if (date == null && detail != null) {
            date = first(detail, DATE_TIME);
        }
        if (date != null) {
            ffd.set("dateTime", date.isTextual() ? NODES.textNode(isoDateTime(date.asText())) : date);
        }
        JsonNode operation = first(listed, OPERATION);
        if (operation == null && detail != null) {
            operation = first(detail, OPERATION);
        }
        if (operation != null) {
            ffd.set("operationType", operation(operation));
        }
        JsonNode items = first(listed, ITEMS);
        if (items == null && detail != null) {
            items = first(detail, ITEMS);
        }
        if (items != null) {
            ffd.set("items", items.isArray() ? lines(items) : items);
        }
        return ffd;
    }

    private static JsonNode lines(JsonNode items) {
        var lines = NODES.arrayNode(items.size());
        for (JsonNode item : items) {
            if (!item.isObject()) {
                lines.add(item); // refused by the receipt mapping, naming the position
                continue;
            }
            ObjectNode line = NODES.objectNode();
            for (List<String> names : ITEM_FIELDS) {
                JsonNode value = first(item, names.subList(1, names.size()));
                if (value != null) {
                    line.set(names.get(0), value);
                }
            }
            lines.add(line);
        }
        return lines;
    }

    /** Text operations become their FFD number; an unknown text is passed on for the mapping to refuse with its value. */
    private static JsonNode operation(JsonNode value) {
        if (!value.isTextual()) {
            return value;
        }
        String text = value.asText().trim();
        Integer code = OPERATIONS.get(text.toLowerCase(Locale.ROOT).replace(" ", "").replace("_", ""));
        return code == null ? value : NODES.numberNode(code);
    }

    static String isoDateTime(String text) {
        String trimmed = text.trim();
        if (trimmed.indexOf('/') > 0) {
            try {
                return LocalDateTime.parse(trimmed, US_DATE_TIME).toString();
            } catch (DateTimeParseException e) {
                return trimmed; // refused by the mapping as "не дата", with the value
            }
        }
        return trimmed;
    }

    private static JsonNode first(JsonNode node, List<String> names) {
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value != null && !value.isNull()) {
                return value;
            }
        }
        return null;
    }
}
