package org.repeatsales.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingCatalogTest {

    /** The mappings the hub ships in config/mappings, as they are. */
    static MappingCatalog shipped() throws Exception {
        return MappingCatalog.load(Path.of("../../config/mappings"));
    }

    @Test
    void shouldLoadTheShippedExample() throws Exception {
        CsvMapping m = shipped().find("1C-Retail").orElseThrow();
        assertThat(m.source()).isEqualTo("1c-retail");
        assertThat(m.column(CsvMapping.AMOUNT)).isEqualTo("Сумма");
        assertThat(m.keyParts()).containsExactly(new CsvMapping.KeyPart("purchaseDay", false),
                new CsvMapping.KeyPart("pointOfSale", true), new CsvMapping.KeyPart("receiptNumber", false));
        assertThat(m.requiredColumns()).containsExactly("Дата", "Номер чека", "Количество", "Сумма");
        assertThat(m.refundValues()).contains("Возврат", "Возврат продажи", "Возврат от покупателя");
        assertThat(m.sheet()).isNull();
    }

    @Test
    void shouldLoadEveryYamlFileOfADirectory(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("../../config/mappings/1c-retail.yml"), dir.resolve("a.yml"));
        Files.copy(Path.of("../../config/mappings/excel-sales.yml"), dir.resolve("b.yaml"));
        Files.writeString(dir.resolve("notes.txt"), "not a mapping");
        assertThat(MappingCatalog.load(dir).all()).extracting(CsvMapping::name).containsExactly("1c-retail", "excel-sales");
    }

    @Test
    void shouldMatchHeaderIgnoringCaseSpacesBomAndQuotes() throws Exception {
        List<String> header = List.of("\uFEFF\"дата\"", " Номер\u00A0чека ", "КОЛИЧЕСТВО", "Сумма", "Номенклатура");
        assertThat(shipped().match(header).name()).isEqualTo("1c-retail");
    }

    @Test
    void shouldPreferTheMappingThatFindsMostColumns() throws Exception {
        MappingCatalog catalog = shipped().plus(new MappingCatalog(List.of(new CsvMapping("generic", null, null, null, null, null,
                java.util.Map.of("purchasedAt", "Дата", "receiptNumber", "Номер чека", "amount", "Сумма"),
                null, null, null))));
        List<String> header = List.of("Дата", "Номер чека", "Количество", "Сумма", "Покупатель");
        assertThat(catalog.match(header).name()).isEqualTo("1c-retail");
        assertThat(catalog.match(List.of("Дата", "Номер чека", "Сумма")).name()).isEqualTo("generic");
    }

    @Test
    void shouldExplainWhenNoMappingFits() throws Exception {
        assertThatThrownBy(() -> shipped().match(List.of("Date", "Total")))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("[Date, Total]")
                .hasMessageContaining("1c-retail (Дата, Номер чека, Количество, Сумма)")
                .hasMessageContaining("excel-sales (");
    }

    @Test
    void shouldListKnownNamesForAnUnknownMapping() throws Exception {
        assertThatThrownBy(() -> shipped().require("1c"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("1c-retail, excel-sales");
    }

    @Test
    void shouldNameTheFileOfABrokenMapping() {
        byte[] yaml = "name: x\ncolumns:\n  purchasedAt: Дата\n  total: Сумма\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> MappingCatalog.parse(new java.io.ByteArrayInputStream(yaml), "x.yml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x.yml")
                .hasMessageContaining("unknown field 'total'");
    }
}
