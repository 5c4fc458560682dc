package org.repeatsales.hub.routes.onec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.ingest.Buyer;
import org.repeatsales.hub.ingest.ReceiptRecord;

/** Mapping of 1C:Бухгалтерия 3.0 OData payloads (the published samples, as found, and variations). */
class OneCDocumentMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final Buyer OOO = new Buyer("ТЕХНО-ЛОГИСТИК ООО", null, null, "b7569bcd-f670-11ea-8591-000c29b45b09", null, null);

    private final List<String> looked = new ArrayList<>();
    private final Function<String, Buyer> counterparties = key -> {
        looked.add(key);
        return OOO;
    };

    private static JsonNode sample(String name) throws Exception {
        try (InputStream in = OneCDocumentMapperTest.class.getResourceAsStream("/onec/" + name)) {
            return JSON.readTree(in);
        }
    }

    private static JsonNode documents() throws Exception {
        return sample("1c_odata_Document_RealizaciyaTovarovUslug_BP30.json");
    }

    /** The samples are unposted drafts; most tests read them as posted. */
    private static JsonNode posted() throws Exception {
        JsonNode root = documents();
        for (JsonNode doc : root.get("value")) {
            ((ObjectNode) doc).put("Posted", true);
        }
        return root;
    }

    private static OneCDocumentMapper mapper() {
        return new OneCDocumentMapper("onec-main", OneCFields.defaults(), MOSCOW, false);
    }

    @Test
    void shouldKeyReceiptByRefKeyInTheSourceNamespace() throws Exception {
        OneCDocumentMapper.Page page = mapper().map(posted(), counterparties);

        assertThat(page.receipts()).extracting(ReceiptRecord::source, ReceiptRecord::naturalKey).containsExactly(
                org.assertj.core.groups.Tuple.tuple("onec-main", "8b9660f6-6332-11ec-ad72-000c29b45b09"),
                org.assertj.core.groups.Tuple.tuple("onec-main", "8b9660f7-6332-11ec-ad72-000c29b45b09"));
    }

    @Test
    void shouldReadZonelessDateInBusinessTimezone() throws Exception {
        ReceiptRecord first = mapper().map(posted(), counterparties).receipts().get(0);

        assertThat(first.purchasedAt()).isEqualTo(Instant.parse("2021-12-22T14:22:08Z"));
    }

    @Test
    void shouldReadGoodsLinesWithDocumentTotal() throws Exception {
        ReceiptRecord goods = mapper().map(posted(), counterparties).receipts().get(0);

        assertThat(goods.total()).isEqualByComparingTo("150129");
        assertThat(goods.lines()).hasSize(2);
        assertThat(goods.lines().get(0).quantity()).isEqualByComparingTo("25");
        assertThat(goods.lines().get(0).price()).isEqualByComparingTo("5455");
        assertThat(goods.lines().get(0).amount()).isEqualByComparingTo("136375");
        assertThat(goods.lines().get(0).category()).isEqualTo("Товары");
    }

    @Test
    void shouldDescribeServiceLinesByTheirContent() throws Exception {
        ReceiptRecord services = mapper().map(posted(), counterparties).receipts().get(1);

        assertThat(services.lines()).extracting(l -> l.item()).containsOnly("сборка каркаса мойки");
        assertThat(services.lines()).extracting(l -> l.lineNo()).containsExactly(1, 2);
        assertThat(services.total()).isEqualByComparingTo("108554");
    }

    @Test
    void shouldAttachCounterpartyFromLookup() throws Exception {
        ReceiptRecord first = mapper().map(posted(), counterparties).receipts().get(0);

        assertThat(first.buyer()).isEqualTo(OOO);
        assertThat(looked).contains("b7569bcd-f670-11ea-8591-000c29b45b09");
    }

    @Test
    void shouldTreatZeroGuidCounterpartyAsAnonymous() throws Exception {
        JsonNode root = posted();
        ((ObjectNode) root.get("value").get(0)).put("Контрагент_Key", OneCDocumentMapper.EMPTY_GUID);

        ReceiptRecord first = mapper().map(root, counterparties).receipts().get(0);

        assertThat(first.buyer().isAnonymous()).isTrue();
    }

    @Test
    void shouldSkipUnpostedDocumentsAndListThemForRemoval() throws Exception {
        OneCDocumentMapper.Page page = mapper().map(documents(), counterparties);

        assertThat(page.receipts()).isEmpty();
        assertThat(page.unposted()).isEqualTo(2);
        assertThat(page.removedKeys()).hasSize(2);
        assertThat(looked).isEmpty();
    }

    @Test
    void shouldImportUnpostedDocumentsWhenConfigured() throws Exception {
        OneCDocumentMapper importing = new OneCDocumentMapper("onec-main", OneCFields.defaults(), MOSCOW, true);

        assertThat(importing.map(documents(), counterparties).receipts()).hasSize(2);
    }

    @Test
    void shouldRemoveDocumentMarkedForDeletion() throws Exception {
        JsonNode root = posted();
        ((ObjectNode) root.get("value").get(1)).put("DeletionMark", true);

        OneCDocumentMapper.Page page = mapper().map(root, counterparties);

        assertThat(page.receipts()).hasSize(1);
        assertThat(page.deleted()).isEqualTo(1);
        assertThat(page.removedKeys()).containsExactly("8b9660f7-6332-11ec-ad72-000c29b45b09");
    }

    @Test
    void shouldReportLatestDocumentTimeOfThePage() throws Exception {
        assertThat(mapper().map(posted(), counterparties).latest()).isEqualTo(LocalDateTime.parse("2021-12-22T17:23:05"));
    }

    @Test
    void shouldTotalLinesWhenDocumentHasNoTotalField() throws Exception {
        JsonNode root = posted();
        ((ObjectNode) root.get("value").get(0)).remove("СуммаДокумента");

        assertThat(mapper().map(root, counterparties).receipts().get(0).total()).isEqualByComparingTo("150129");
    }

    @Test
    void shouldFailPageWithEmptyDocumentDate() throws Exception {
        JsonNode root = posted();
        ((ObjectNode) root.get("value").get(0)).put("Date", "0001-01-01T00:00:00");

        assertThatThrownBy(() -> mapper().map(root, counterparties))
                .isInstanceOf(OneCDocumentMapper.MalformedException.class)
                .hasMessageContaining("8b9660f6-6332-11ec-ad72-000c29b45b09").hasMessageContaining("Date");
    }

    @Test
    void shouldFailPageWithoutValueArray() {
        assertThatThrownBy(() -> mapper().map(JSON.readTree("{\"odata.metadata\": \"x\"}"), counterparties))
                .hasMessageContaining("value");
    }

    @Test
    void shouldFailPageWithTextWhereAmountIsExpected() throws Exception {
        JsonNode root = posted();
        ((ObjectNode) root.get("value").get(0).get("Товары").get(0)).put("Сумма", "много");

        assertThatThrownBy(() -> mapper().map(root, counterparties)).hasMessageContaining("Сумма").hasMessageContaining("Товары");
    }

    @Test
    void shouldReadConfiguredFieldNames() throws Exception {
        OneCFields retail = new OneCFields(null, null, null, null, "Покупатель_Key", "СуммаЧека", List.of("Товары"),
                null, null, null, null, null, null, null, null, null, null, null, null);
        JsonNode root = posted();
        ObjectNode doc = (ObjectNode) root.get("value").get(0);
        doc.put("СуммаЧека", 99.5);
        doc.put("Покупатель_Key", "b7569bcd-f670-11ea-8591-000c29b45b09");

        ReceiptRecord first = new OneCDocumentMapper("r", retail, MOSCOW, false).map(root, counterparties).receipts().get(0);

        assertThat(first.total()).isEqualByComparingTo(new BigDecimal("99.50"));
        assertThat(first.buyer()).isEqualTo(OOO);
    }

    @Test
    void shouldReadCounterpartyWithoutContacts() throws Exception {
        Buyer buyer = mapper().buyer(sample("1c_odata_Catalog_Kontragenty_entity_BP30.json"));

        assertThat(buyer.name()).isEqualTo("ТЕХНО-ЛОГИСТИК ООО");
        assertThat(buyer.sourceKey()).isEqualTo("a348aa8c-d629-11e5-0a9b-000c295e30eb");
        assertThat(buyer.phone()).isNull();
        assertThat(buyer.email()).isNull();
    }

    @Test
    void shouldNormaliseCounterpartyPhoneAndEmailFromContactInformation() throws Exception {
        JsonNode entity = sample("1c_odata_Catalog_Kontragenty_entity_BP30.json");
        ArrayNode contacts = (ArrayNode) entity.get("КонтактнаяИнформация");
        contacts.addObject().put("LineNumber", "1").put("Тип", "Телефон").put("Представление", "8 (916) 000-11-22");
        contacts.addObject().put("LineNumber", "2").put("Тип", "АдресЭлектроннойПочты").put("Представление", " Info@Techno.RU ");

        Buyer buyer = mapper().buyer(entity);

        assertThat(buyer.phone()).isEqualTo("+79160001122");
        assertThat(buyer.email()).isEqualTo("info@techno.ru");
    }

    @Test
    void shouldReadDocumentDatesAsOneCWritesThemAndOtherIsoForms() {
        assertThat(OneCDocumentMapper.dateTime("2025-01-05T10:07:09")).isEqualTo(LocalDateTime.of(2025, 1, 5, 10, 7, 9));
        assertThat(OneCDocumentMapper.dateTime("2025-01-05T10:07")).isEqualTo(LocalDateTime.of(2025, 1, 5, 10, 7));
        assertThat(OneCDocumentMapper.dateTime("2025-01-05T10:07:09.5")).isEqualTo(LocalDateTime.of(2025, 1, 5, 10, 7, 9, 500_000_000));
    }

    @Test
    void shouldFailPageWithDocumentDateThatIsNoDay() throws Exception {
        JsonNode root = posted();
        ((ObjectNode) root.get("value").get(0)).put("Date", "2025-02-30T10:00:00");

        assertThatThrownBy(() -> mapper().map(root, counterparties))
                .isInstanceOf(OneCDocumentMapper.MalformedException.class)
                .hasMessageContaining("2025-02-30T10:00:00").hasMessageContaining("не читается");
    }

    @Test
    void shouldTakeOnlyHexadecimalEightFourFourFourTwelveAsGuid() {
        assertThat(OneCDocumentMapper.isGuid("8b9660f6-6332-11ec-ad72-000c29b45b09")).isTrue();
        assertThat(OneCDocumentMapper.isGuid("8B9660F6-6332-11EC-AD72-000C29B45B09")).isTrue();
        assertThat(OneCDocumentMapper.isGuid("8b9660f6-6332-11ec-ad72-000c29b45b0g")).isFalse();
        assertThat(OneCDocumentMapper.isGuid("8b9660f6x6332-11ec-ad72-000c29b45b09")).isFalse();
        assertThat(OneCDocumentMapper.isGuid("8b9660f6-6332-11ec-ad72-000c29b45b0")).isFalse();
        assertThat(OneCDocumentMapper.isGuid("８b9660f6-6332-11ec-ad72-000c29b45b09")).as("a full-width digit").isFalse();
    }
}
