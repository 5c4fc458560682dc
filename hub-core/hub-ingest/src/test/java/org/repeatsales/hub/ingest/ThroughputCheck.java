package org.repeatsales.hub.ingest;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints how fast a generated 1M-row export is read; informative only, never asserted, because
 * build machines differ. Run with {@code -Dthroughput=true -Dtest=ThroughputCheck}.
 */
@EnabledIfSystemProperty(named = "throughput", matches = "true")
class ThroughputCheck {

    @Test
    void printRowsPerSecond(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.csv");
        int rows = 1_000_000;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("Дата;Номер чека;Покупатель;Телефон;E-mail;Номенклатура;Количество;Цена;Сумма\r\n");
            for (int i = 0; i < rows; i++) {
                int receipt = i / 3;
                w.write("15.03.2024 10:15:00;" + receipt + ";Иванова Анна;+7 916 123-45-67;anna@mail.ru;\"Кофе \"\"Арабика\"\"\";2;1 150,50;2 301,00\r\n");
            }
        }
        SalesFileReader reader = new SalesFileReader(MappingCatalogTest.shipped(), ZoneId.of("Europe/Moscow"));
        for (int run = 0; run < 3; run++) {
            long[] counts = new long[2];
            RecordSink sink = new RecordSink() {
                @Override
                public void receipt(ReceiptRecord receipt) {
                    counts[0] += receipt.rows();
                }

                @Override
                public void rejected(Rejection rejection) {
                    counts[1]++;
                }
            };
            long t0 = System.nanoTime();
            reader.read(file, null, null, sink);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("run %d: %,d rows (%,d rejected) in %.2f s = %,.0f rows/s, %.0f MB/s%n", run, counts[0] + counts[1],
                    counts[1], seconds, rows / seconds, Files.size(file) / seconds / 1e6);
        }
    }
}
