package org.repeatsales.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Receipts whose rows are apart in the file, when more of them are open than memory may hold. */
class ScatteredReceiptsTest {

    private static final String[] HEADER = "Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма".split(";");
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    private final CollectingSink sink = new CollectingSink();

    /** Both passes over {@code rows} (line 1 is the header), holding at most {@code maxHeld} rows. */
    private void read(int maxHeld, List<String> rows) throws Exception {
        CsvMapping mapping = MappingCatalogTest.shipped().require("1c-retail");
        ReceiptAssembler scanner = new ReceiptAssembler(mapping, HEADER, MOSCOW, ";", sink);
        KeyRuns runs = new KeyRuns();
        for (int i = 0; i < rows.size(); i++) {
            scanner.scan(i + 2, rows.get(i).split(";", -1), runs);
        }
        runs.finish();
        ReceiptAssembler assembler = new ReceiptAssembler(mapping, HEADER, MOSCOW, ";", sink);
        assembler.expectScattered(runs, maxHeld);
        for (int i = 0; i < rows.size(); i++) {
            assembler.accept(i + 2, rows.get(i).split(";", -1));
        }
        assembler.finish();
    }

    @Test
    void shouldRejectTheReceiptThatOverflowsTheHeldRowsAndAssembleTheOthers() throws Exception {
        read(2, List.of(
                "01.03.2024 10:00;1;;;;А;1;10;10",
                "01.03.2024 11:00;2;;;;Б;1;20;20",
                "01.03.2024 10:00;1;;;;В;1;30;30",
                "01.03.2024 12:00;3;;;;Г;1;40;40",
                "01.03.2024 11:00;2;;;;Д;1;50;50",
                "01.03.2024 12:00;3;;;;Е;1;60;60",
                "01.03.2024 11:00;2;;;;Ж;1;70;70"));
        // receipt 1 completes at line 4 within the limit; receipt 2's second row (line 6) makes three held rows
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-01|1", "2024-03-01|3");
        assertThat(sink.receipts.get(0).lines()).extracting(ReceiptLine::item).containsExactly("А", "В");
        assertThat(sink.rejections).extracting(Rejection::line).containsExactlyInAnyOrder(3L, 6L, 8L);
        assertThat(sink.rejectionAt(8).reason()).isEqualTo("Чек «2 от 01.03.2024»: строки чека разбросаны по файлу, а таких"
                + " чеков больше, чем можно собрать в памяти (2 строк) — отсортируйте файл по номеру чека и загрузите его снова");
        assertThat(sink.rowsAccountedFor()).isEqualTo(7);
    }

    @Test
    void shouldPassOnReceiptsOfAFileInReceiptOrderWithoutHoldingAnyRow() throws Exception {
        read(0, List.of(
                "01.03.2024 10:00;1;;;;А;1;10;10",
                "01.03.2024 10:00;1;;;;Б;1;20;20",
                "01.03.2024 11:00;2;;;;В;1;30;30"));
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.receipts).extracting(ReceiptRecord::naturalKey).containsExactly("2024-03-01|1", "2024-03-01|2");
    }
}
