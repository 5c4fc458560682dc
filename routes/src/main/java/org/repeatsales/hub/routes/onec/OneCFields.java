package org.repeatsales.hub.routes.onec;

import java.util.List;

/**
 * Names of the entity and fields the 1C source reads. 1C configurations differ (Бухгалтерия 3.0,
 * Управление торговлей 11, Розница), so every name is configuration; a null (unset) name takes the
 * Бухгалтерия 3.0 default.
 *
 * @param lineTables table parts holding the receipt's lines, read in order and numbered on
 * @param item line field naming the goods (a reference key unless {@code itemText} is filled)
 * @param itemText line field with a text description (services' {@code Содержание}), preferred
 *     over {@code item} when not empty
 * @param itemName field of the goods catalog entity with the item's name
 * @param itemGroup field of the goods catalog entity pointing to its group (a folder of the same
 *     catalog), whose name becomes the line's category
 * @param dataVersion the document field with 1C's version stamp of the object
 */
public record OneCFields(
        String key,
        String date,
        String deletionMark,
        String posted,
        String counterparty,
        String total,
        List<String> lineTables,
        String item,
        String itemText,
        String quantity,
        String price,
        String amount,
        String counterpartyName,
        String contactTable,
        String contactType,
        String contactValue,
        String itemName,
        String itemGroup,
        String dataVersion) {

    public OneCFields {
        key = or(key, "Ref_Key");
        date = or(date, "Date");
        deletionMark = or(deletionMark, "DeletionMark");
        posted = or(posted, "Posted");
        counterparty = or(counterparty, "Контрагент_Key");
        total = or(total, "СуммаДокумента");
        lineTables = lineTables == null || lineTables.isEmpty() ? List.of("Товары", "Услуги") : List.copyOf(lineTables);
        item = or(item, "Номенклатура_Key");
        itemText = or(itemText, "Содержание");
        quantity = or(quantity, "Количество");
        price = or(price, "Цена");
        amount = or(amount, "Сумма");
        counterpartyName = or(counterpartyName, "Description");
        contactTable = or(contactTable, "КонтактнаяИнформация");
        contactType = or(contactType, "Тип");
        contactValue = or(contactValue, "Представление");
        itemName = or(itemName, "Description");
        itemGroup = or(itemGroup, "Parent_Key");
        dataVersion = or(dataVersion, "DataVersion");
    }

    public static OneCFields defaults() {
        return new OneCFields(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    private static String or(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
