package org.repeatsales.hub.routes.ofdru;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.ingest.ReceiptJsonReader;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.repeatsales.hub.routes.sources.SourceHttp;

class OfdRuReceiptMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReceiptJsonReader reader = new ReceiptJsonReader(ZoneId.of("Europe/Moscow"));

    @Test
    void shouldMapAListedReceiptWithItsLinesToTheSameKeyAsAFileReceipt() throws Exception {
        JsonNode listed = JSON.readTree("""
                {"Id": "r-1", "Tag": 3, "IsCorrection": false, "OperationType": "Refund income", "FnNumber": "9999078900004792 ",
                 "DocNumber": 123, "DocDateTime": "05/20/2019 13:26:00", "TotalSumm": 10050, "CashSumm": 0, "ECashSumm": 10050,
                 "Items": [{"Name": "Молоко 3,2%", "Price": 10050, "Quantity": 1.0, "Total": 10050}]}
                """);

        ReceiptRecord receipt = reader.mapReceipt(OfdRuReceiptMapper.toFfd(listed, null), 1).record();

        assertThat(receipt.naturalKey()).isEqualTo("9999078900004792:123");
        assertThat(receipt.refund()).isTrue();
        assertThat(receipt.total()).isEqualByComparingTo("100.50");
        assertThat(receipt.payment()).isEqualTo("card");
        assertThat(receipt.purchasedAt().toString()).isEqualTo("2019-05-20T10:26:00Z");
        assertThat(receipt.lines()).singleElement().satisfies(l -> assertThat(l.item()).isEqualTo("Молоко 3,2%"));
    }

    @Test
    void shouldTakeLinesAndBuyerContactFromTheSingleReceiptWhenTheListHasNone() throws Exception {
        JsonNode listed = JSON.readTree("""
                {"Id": "r-1", "OperationType": "Income", "FnNumber": "9999078900004792", "DocNumber": 7,
                 "DocDateTime": "2025-01-05T10:00:00", "TotalSumm": 500, "Depth": 1}
                """);
        JsonNode detail = JSON.readTree("""
                {"OperationType": 1, "FN_FactoryNumber": "9999078900004792", "Document_Number": 7, "DateTime": "2025-01-05T10:00:00",
                 "Amount_Total": 500, "Buyer_Address": "+7 (916) 000-11-22",
                 "Items": [{"Name": "Хлеб", "Price": 500, "Quantity": 1, "Total": 500}]}
                """);

        ReceiptRecord receipt = reader.mapReceipt(OfdRuReceiptMapper.toFfd(listed, detail), 1).record();

        assertThat(receipt.buyer().phone()).isEqualTo("+79160001122");
        assertThat(receipt.lines()).hasSize(1);
        assertThat(receipt.refund()).isFalse();
    }

    @Test
    void shouldLeaveAnUnknownOperationForTheMappingToRefuseWithItsValue() throws Exception {
        JsonNode listed = JSON.readTree("""
                {"OperationType": "Storno", "FnNumber": "1", "DocNumber": 7, "DocDateTime": "2025-01-05T10:00:00", "TotalSumm": 500}
                """);

        ReceiptJsonReader.Mapped mapped = reader.mapReceipt(OfdRuReceiptMapper.toFfd(listed, null), 1);

        assertThat(mapped.record()).isNull();
        assertThat(mapped.rejection().reason()).contains("Storno");
    }

    @Test
    void shouldTellCorrectionReceiptsByFlagOrDocumentType() throws Exception {
        assertThat(OfdRuReceiptMapper.isCorrection(JSON.readTree("{\"IsCorrection\": true}"))).isTrue();
        assertThat(OfdRuReceiptMapper.isCorrection(JSON.readTree("{\"Tag\": 31}"))).isTrue();
        assertThat(OfdRuReceiptMapper.isCorrection(JSON.readTree("{\"Tag\": 3, \"IsCorrection\": false}"))).isFalse();
    }

    @Test
    void shouldMaskTheTokenInEveryUrlItLetsOut() {
        URI uri = URI.create("https://ofd.ru/api/integration/v1/inn/1/kkts?AuthToken=SECRET-1&x=1");

        assertThat(SourceHttp.readable(uri)).isEqualTo("https://ofd.ru/api/integration/v1/inn/1/kkts?AuthToken=***&x=1");
    }

    @Test
    void shouldKeepEachRegistersWatermarkInTheInstancesOne() {
        var marks = OfdRuSource.parseWatermark("0002=2025-01-06T00:00;0001=2025-01-05T10:00:30");

        assertThat(marks).containsOnlyKeys("0001", "0002");
        assertThat(OfdRuSource.formatWatermark(marks)).isEqualTo("0001=2025-01-05T10:00:30;0002=2025-01-06T00:00");
    }
}
