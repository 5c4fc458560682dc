package org.repeatsales.hub.bench;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's 1C base, generated: sales documents of a year of a shop with its counterparties
 * (phones, some e-mails, a share of anonymous sales), goods from a catalog of items in groups, and
 * service lines. Document {@code i} is derived from the seed and {@code i} alone, so the OData
 * simulator renders any page on demand and the CSV export holds exactly the same receipts.
 */
final class OneCBenchBase implements OneCODataSimulator.Generated {

    static final int ITEMS = 400;
    static final int GROUPS = 20;

    private static final String[] FIRST = {"Анна", "Мария", "Елена", "Ольга", "Наталья", "Ирина", "Татьяна", "Светлана",
        "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Иван", "Николай", "Павел"};
    private static final String[] LAST = {"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
        "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"};
    private static final String[] GROUP_NAMES = {"Кофе", "Чай", "Выпечка", "Молочные продукты", "Сладости", "Фрукты", "Овощи",
        "Бакалея", "Напитки", "Снеки", "Мясо", "Рыба", "Заморозка", "Соусы", "Крупы", "Хлеб", "Сыры", "Детское", "Бытовая химия",
        "Подарки"};
    private static final String[] SERVICES = {"Доставка", "Упаковка подарка", "Сборка заказа"};
    private static final DateTimeFormatter ODATA = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter CSV = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss");

    private final int documents;
    private final int counterparties;
    private final long seed;
    private final LocalDateTime start = LocalDateTime.of(2025, 1, 1, 8, 0);
    private final long stepSeconds;
    private final long[] itemPrices = new long[ITEMS];

    OneCBenchBase(int documents, int counterparties, long seed) {
        this.documents = documents;
        this.counterparties = counterparties;
        this.seed = seed;
        this.stepSeconds = Math.max(1, 365L * 24 * 3600 / Math.max(1, documents));
        SplittableRandom prices = new SplittableRandom(seed);
        for (int j = 0; j < ITEMS; j++) {
            itemPrices[j] = 4_900 + prices.nextLong(150_000); // kopecks: 49 to 1,549 rubles
        }
    }

    /** One document as both channels carry it. */
    record Document(String key, String number, LocalDateTime date, int counterparty, List<Line> lines, long totalKopecks) {
    }

    /** A line: an item of the catalog (index) or a service (negative: -1 - service index). */
    record Line(int item, BigDecimal quantity, long priceKopecks, long amountKopecks) {
    }

    Document document(int i) {
        SplittableRandom r = new SplittableRandom(seed * 31 + i);
        int counterparty = r.nextInt(10) < 2 ? -1 : r.nextInt(counterparties); // a fifth are anonymous sales
        int goods = 1 + r.nextInt(5);
        List<Line> lines = new ArrayList<>(goods + 1);
        long total = 0;
        for (int k = 0; k < goods; k++) {
            int item = r.nextInt(ITEMS);
            BigDecimal quantity = item % 10 == 0
                    ? BigDecimal.valueOf(200 + r.nextInt(1800), 3)   // weighed goods, 0.200 to 1.999 kg
                    : BigDecimal.valueOf(1 + r.nextInt(3));
            long amount = quantity.multiply(BigDecimal.valueOf(itemPrices[item])).setScale(0, RoundingMode.HALF_UP).longValue();
            lines.add(new Line(item, quantity, itemPrices[item], amount));
            total += amount;
        }
        if (r.nextInt(10) == 0) {
            long amount = 15_000 + r.nextInt(3) * 10_000L;
            lines.add(new Line(-1 - r.nextInt(SERVICES.length), BigDecimal.ONE, amount, amount));
            total += amount;
        }
        return new Document(documentKey(i), String.format("0000-%06d", i + 1), start.plusSeconds(i * stepSeconds), counterparty,
                lines, total);
    }

    @Override
    public int count() {
        return documents;
    }

    @Override
    public String date(int i) {
        return ODATA.format(start.plusSeconds(i * stepSeconds));
    }

    @Override
    public String json(int i) {
        Document d = document(i);
        List<OneCODataSimulator.Line> goods = new ArrayList<>();
        List<OneCODataSimulator.Service> services = new ArrayList<>();
        for (Line l : d.lines()) {
            if (l.item() >= 0) {
                goods.add(new OneCODataSimulator.Line(itemKey(l.item()), l.quantity().toPlainString(), rubles(l.priceKopecks()),
                        rubles(l.amountKopecks())));
            } else {
                services.add(new OneCODataSimulator.Service(SERVICES[-1 - l.item()], rubles(l.amountKopecks())));
            }
        }
        return OneCODataSimulator.document(d.key(), d.number(), ODATA.format(d.date()),
                d.counterparty() < 0 ? null : counterpartyKey(d.counterparty()), rubles(d.totalKopecks()), goods, services);
    }

    /** Puts the counterparties and the goods catalog into the simulated base. */
    void fillCatalogs(OneCODataSimulator base) {
        for (int c = 0; c < counterparties; c++) {
            base.putCatalogEntry("Catalog_Контрагенты", counterpartyKey(c),
                    OneCODataSimulator.counterparty(counterpartyKey(c), name(c), phone(c), email(c)));
        }
        for (int g = 0; g < GROUPS; g++) {
            base.putCatalogEntry("Catalog_Номенклатура", groupKey(g), OneCODataSimulator.catalogItem(groupKey(g), GROUP_NAMES[g], null, true));
        }
        for (int j = 0; j < ITEMS; j++) {
            base.putCatalogEntry("Catalog_Номенклатура", itemKey(j),
                    OneCODataSimulator.catalogItem(itemKey(j), itemName(j), groupKey(j % GROUPS), false));
        }
    }

    /**
     * The same receipts as a 1C retail CSV export (layout {@code 1c-retail}): one row per line,
     * the buyer's name, phone and e-mail on each row, the item's group as category.
     */
    long writeCsv(Writer out) throws IOException {
        out.write("Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Категория;Количество;Цена;Сумма\n");
        long rows = 0;
        StringBuilder row = new StringBuilder(200);
        for (int i = 0; i < documents; i++) {
            Document d = document(i);
            int c = d.counterparty();
            for (Line l : d.lines()) {
                row.setLength(0);
                row.append(CSV.format(d.date())).append(';').append(d.number()).append(';')
                        .append(c < 0 ? "" : name(c)).append(';').append(c < 0 ? "" : phone(c)).append(';')
                        .append(c < 0 || email(c) == null ? "" : email(c)).append(';')
                        .append(l.item() >= 0 ? itemName(l.item()) : SERVICES[-1 - l.item()]).append(';')
                        .append(l.item() >= 0 ? GROUP_NAMES[l.item() % GROUPS] : "Услуги").append(';')
                        .append(l.quantity().toPlainString().replace('.', ',')).append(';')
                        .append(rubles(l.priceKopecks()).replace('.', ',')).append(';')
                        .append(rubles(l.amountKopecks()).replace('.', ',')).append('\n');
                out.write(row.toString());
                rows++;
            }
        }
        return rows;
    }

    static String documentKey(int i) {
        return String.format("%08x-6332-11ec-ad72-000c29b45b09", i);
    }

    static String counterpartyKey(int c) {
        return String.format("%08x-f670-11ea-8591-000c29b45b09", c);
    }

    static String itemKey(int j) {
        return String.format("%08x-48a4-11ec-ad72-000c29b45b09", 0x10000000 + j);
    }

    static String groupKey(int g) {
        return String.format("%08x-48a4-11ec-ad72-000c29b45b09", 0x20000000 + g);
    }

    private static String name(int c) {
        String last = LAST[c % LAST.length];
        String first = FIRST[(c / LAST.length) % FIRST.length];
        boolean female = (c / LAST.length) % FIRST.length < 8;
        return last + (female ? "а" : "") + " " + first;
    }

    private static String phone(int c) {
        int n = 1_000_000 + c;
        return String.format("+7 916 %03d-%02d-%02d", n / 10_000 % 1000, n / 100 % 100, n % 100);
    }

    private static String email(int c) {
        return c % 3 == 0 ? "client" + c + "@example.ru" : null;
    }

    private static String itemName(int j) {
        return GROUP_NAMES[j % GROUPS] + " арт. " + (1000 + j);
    }

    private static String rubles(long kopecks) {
        return BigDecimal.valueOf(kopecks, 2).toPlainString();
    }
}
