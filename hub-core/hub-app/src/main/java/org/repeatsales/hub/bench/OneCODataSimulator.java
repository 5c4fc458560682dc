package org.repeatsales.hub.bench;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 1C base's standard OData interface played inside WireMock (a response transformer): one
 * document entity set answering {@code $filter=Date ge datetime'...'}, {@code $orderby=Date,Ref_Key},
 * {@code $top}/{@code $skip} from documents that tests and the benchmark add, change and remove
 * while it serves, and catalogs answering {@code $filter=Ref_Key eq guid'...' or ...}. Documents are
 * kept as the JSON 1C sends, ordered by date and key as 1C orders them for that {@code $orderby}.
 *
 * <p>Thread-safe: WireMock serves on many threads, and tests change the base between requests.
 */
public final class OneCODataSimulator implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "onec-odata-simulator";
    public static final String ZERO_GUID = "00000000-0000-0000-0000-000000000000";

    private static final Pattern DATE_FILTER = Pattern.compile("Date ge datetime'([0-9T:-]+)'");
    private static final Pattern GUIDS = Pattern.compile("guid'([0-9a-fA-F-]{36})'");

    private final String root;
    private final String documentSet;
    /** Sorted by "date|key", 1C's order for {@code $orderby=Date,Ref_Key}. */
    private final ConcurrentSkipListMap<String, String> documents = new ConcurrentSkipListMap<>();
    private final Map<String, String> sortKeys = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> catalogs = new ConcurrentHashMap<>();
    private final Map<Integer, Runnable> beforePage = new ConcurrentHashMap<>();
    private final AtomicInteger documentRequests = new AtomicInteger();
    private final AtomicInteger catalogRequests = new AtomicInteger();
    private volatile Generated generated;
    /** Answers already rendered, by request URL; null unless {@link #rememberAnswers()} was called. */
    private volatile Map<String, byte[]> answers;

    /**
     * Documents rendered on demand instead of kept (the benchmark's 100,000 would not fit a small
     * heap as strings): document {@code i} in 1C's order, dates strictly increasing with {@code i}.
     */
    public interface Generated {
        int count();

        /** The document's {@code Date} as 1C writes it ({@code 2025-01-05T10:00:00}). */
        String date(int i);

        String json(int i);
    }

    /**
     * From now on answers each request URL with the bytes it answered the first time: a base that
     * no longer changes (the benchmark's) then costs a lookup per request, not a rendering, the way
     * a real 1C's cost stays on its own server. Not for a base that changes while it serves.
     */
    public void rememberAnswers() {
        answers = new ConcurrentHashMap<>();
    }

    /** Bytes of the answers remembered so far (0 when answers are not remembered). */
    public long rememberedBytes() {
        Map<String, byte[]> known = answers;
        return known == null ? 0 : known.values().stream().mapToLong(b -> b.length).sum();
    }

    /** Serves {@code documents} instead of the documents put one by one. */
    public void serveGenerated(Generated documents) {
        this.generated = documents;
    }

    /**
     * @param basePath the infobase's path, e.g. {@code /buh}
     * @param documentSet the sales document entity set, e.g. {@code Document_РеализацияТоваровУслуг}
     */
    public OneCODataSimulator(String basePath, String documentSet) {
        this.root = (basePath.endsWith("/") ? basePath : basePath + "/") + "odata/standard.odata/";
        this.documentSet = documentSet;
    }

    /**
     * A WireMock server on a free port playing this base; every request reaches the simulator (a
     * catch-all stub gives the transformer something to transform).
     */
    public WireMockServer start(int containerThreads) {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .containerThreads(containerThreads).disableRequestJournal().extensions(this));
        server.start();
        server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withStatus(404)));
        return server;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    /** Adds or replaces a document (its {@code Ref_Key} and {@code Date} are the JSON's own). */
    public void putDocument(String refKey, String date, String json) {
        String key = refKey.toLowerCase();
        String sortKey = date + "|" + key;
        String old = sortKeys.put(key, sortKey);
        if (old != null && !old.equals(sortKey)) {
            documents.remove(old);
        }
        documents.put(sortKey, json);
    }

    /** Removes a document as if it were deleted in 1C without a deletion mark. */
    public void removeDocument(String refKey) {
        String sortKey = sortKeys.remove(refKey.toLowerCase());
        if (sortKey != null) {
            documents.remove(sortKey);
        }
    }

    public void putCatalogEntry(String set, String refKey, String json) {
        catalogs.computeIfAbsent(set, s -> new ConcurrentHashMap<>()).put(refKey.toLowerCase(), json);
    }

    /** Keys of the documents the base holds now. */
    public List<String> documentKeys() {
        return List.copyOf(sortKeys.keySet());
    }

    /** Runs {@code action} when the page with {@code $skip=skip} is asked for, before it is answered (once). */
    public void beforePage(int skip, Runnable action) {
        beforePage.put(skip, action);
    }

    public int documentRequests() {
        return documentRequests.get();
    }

    public int catalogRequests() {
        return catalogRequests.get();
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String path = URLDecoder.decode(request.getUrl().split("\\?", 2)[0], StandardCharsets.UTF_8);
        if (!path.startsWith(root)) {
            return event.getResponseDefinition();
        }
        String set = path.substring(root.length());
        boolean document = set.equals(documentSet);
        if (document) {
            documentRequests.incrementAndGet();
        } else {
            catalogRequests.incrementAndGet();
        }
        Map<String, byte[]> known = answers;
        if (known == null) {
            return answer(set, document, request);
        }
        byte[] body = known.computeIfAbsent(request.getUrl(), url -> {
            ResponseDefinition rendered = answer(set, document, request);
            return rendered.getStatus() == 200 ? rendered.getByteBody() : null; // errors are not remembered
        });
        return body == null ? answer(set, document, request) : json(200, body);
    }

    private ResponseDefinition answer(String set, boolean document, Request request) {
        if (document) {
            return documents(request);
        }
        Map<String, String> catalog = catalogs.get(set);
        if (catalog != null) {
            return catalog(set, catalog, request);
        }
        return error(404, "Entity set " + set + " is not in the OData composition");
    }

    private ResponseDefinition documents(Request request) {
        int skip = intParameter(request, "$skip", 0);
        int top = intParameter(request, "$top", Integer.MAX_VALUE);
        Runnable action = beforePage.remove(skip);
        if (action != null) {
            action.run();
        }
        String from = "";
        QueryParameter filter = request.queryParameter("$filter");
        if (filter.isPresent()) {
            Matcher m = DATE_FILTER.matcher(filter.firstValue());
            if (!m.find()) {
                return error(400, "Unsupported $filter: " + filter.firstValue());
            }
            from = m.group(1);
        }
        Generated g = generated;
        if (g != null) {
            return ok(documentSet, generatedPage(g, from, skip, top));
        }
        List<String> page = new ArrayList<>(Math.min(top, 1000));
        Iterator<String> it = documents.tailMap(from, true).values().iterator();
        for (int i = 0; i < skip && it.hasNext(); i++) {
            it.next();
        }
        while (page.size() < top && it.hasNext()) {
            page.add(it.next());
        }
        return ok(documentSet, page);
    }

    private static List<String> generatedPage(Generated g, String from, int skip, int top) {
        int lo = 0;
        int hi = g.count();
        while (lo < hi) { // first document dated at or after `from`
            int mid = (lo + hi) >>> 1;
            if (g.date(mid).compareTo(from) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int start = (int) Math.min((long) lo + skip, g.count());
        int end = (int) Math.min((long) start + top, g.count());
        List<String> page = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            page.add(g.json(i));
        }
        return page;
    }

    private ResponseDefinition catalog(String set, Map<String, String> catalog, Request request) {
        QueryParameter filter = request.queryParameter("$filter");
        if (!filter.isPresent()) {
            return ok(set, List.copyOf(catalog.values()));
        }
        List<String> found = new ArrayList<>();
        Matcher m = GUIDS.matcher(filter.firstValue());
        while (m.find()) {
            String entity = catalog.get(m.group(1).toLowerCase());
            if (entity != null) {
                found.add(entity);
            }
        }
        return ok(set, found);
    }

    private ResponseDefinition ok(String set, List<String> values) {
        StringBuilder body = new StringBuilder(values.size() * 1200 + 200);
        body.append("{\"odata.metadata\": \"").append(root).append("$metadata#").append(set).append("\", \"value\": [");
        for (int i = 0; i < values.size(); i++) {
            body.append(i == 0 ? "" : ",").append(values.get(i));
        }
        body.append("]}");
        return json(200, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static ResponseDefinition error(int status, String message) {
        return json(status, ("{\"odata.error\": {\"code\": \"-1\", \"message\": {\"lang\": \"ru\", \"value\": " + quote(message)
                + "}}}").getBytes(StandardCharsets.UTF_8));
    }

    private static ResponseDefinition json(int status, byte[] body) {
        return new ResponseDefinitionBuilder().withStatus(status)
                .withHeader("Content-Type", "application/json;charset=utf-8").withBody(body).build();
    }

    private static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    private static int intParameter(Request request, String name, int absent) {
        QueryParameter value = request.queryParameter(name);
        return value.isPresent() ? Integer.parseInt(value.firstValue()) : absent;
    }

    /** A sales document shaped like the Бухгалтерия 3.0 sample (local time, zero GUIDs, goods and services lines). */
    public static String document(String refKey, String number, String date, String counterpartyKey, String total,
                                  List<Line> goods, List<Service> services) {
        StringBuilder json = new StringBuilder(600 + goods.size() * 330);
        json.append("{\"Ref_Key\": \"").append(refKey).append("\", \"DataVersion\": \"AAAACgAAAAA=\", \"DeletionMark\": false,")
                .append(" \"Number\": \"").append(number).append("\", \"Date\": \"").append(date).append("\", \"Posted\": true,")
                .append(" \"ВидОперации\": \"Товары\", \"Организация_Key\": \"87fa6cc2-e901-11ea-8591-000c29b45b09\",")
                .append(" \"ПодразделениеОрганизации_Key\": \"").append(ZERO_GUID).append("\",")
                .append(" \"Контрагент_Key\": \"").append(counterpartyKey == null ? ZERO_GUID : counterpartyKey).append("\",")
                .append(" \"СуммаДокумента\": ").append(total).append(", \"ДоверенностьДата\": \"0001-01-01T00:00:00\", \"Товары\": [");
        for (int i = 0; i < goods.size(); i++) {
            Line l = goods.get(i);
            json.append(i == 0 ? "" : ",").append("{\"Ref_Key\": \"").append(refKey).append("\", \"LineNumber\": \"").append(i + 1)
                    .append("\", \"Номенклатура_Key\": \"").append(l.itemKey()).append("\", \"Количество\": ").append(l.quantity())
                    .append(", \"Цена\": ").append(l.price()).append(", \"Сумма\": ").append(l.amount())
                    .append(", \"СтавкаНДС\": \"НДС20\", \"СуммаНДС\": 0, \"НомерГТД_Key\": \"").append(ZERO_GUID).append("\"}");
        }
        json.append("], \"ВозвратнаяТара\": [], \"Услуги\": [");
        for (int i = 0; i < services.size(); i++) {
            Service s = services.get(i);
            json.append(i == 0 ? "" : ",").append("{\"Ref_Key\": \"").append(refKey).append("\", \"LineNumber\": \"").append(i + 1)
                    .append("\", \"Номенклатура_Key\": \"").append(ZERO_GUID).append("\", \"Содержание\": ").append(quote(s.text()))
                    .append(", \"Количество\": 1, \"Цена\": ").append(s.amount()).append(", \"Сумма\": ").append(s.amount()).append("}");
        }
        json.append("], \"Контрагент@navigationLinkUrl\": \"Document_РеализацияТоваровУслуг(guid'").append(refKey)
                .append("')/Контрагент\"}");
        return json.toString();
    }

    /** A goods line: amounts as 1C writes them (decimal numbers). */
    public record Line(String itemKey, String quantity, String price, String amount) {
    }

    /** A services line named by its text ({@code Содержание}). */
    public record Service(String text, String amount) {
    }

    /** A counterparty with its phone and e-mail in {@code КонтактнаяИнформация}. */
    public static String counterparty(String refKey, String name, String phone, String email) {
        StringBuilder contacts = new StringBuilder();
        if (phone != null) {
            contacts.append("{\"LineNumber\": \"1\", \"Тип\": \"Телефон\", \"Представление\": ").append(quote(phone)).append("}");
        }
        if (email != null) {
            contacts.append(contacts.isEmpty() ? "" : ",").append("{\"LineNumber\": \"").append(phone == null ? 1 : 2)
                    .append("\", \"Тип\": \"АдресЭлектроннойПочты\", \"Представление\": ").append(quote(email)).append("}");
        }
        return "{\"Ref_Key\": \"" + refKey + "\", \"DataVersion\": \"AAAAAQAAAAA=\", \"DeletionMark\": false, \"IsFolder\": false,"
                + " \"Code\": \"00-000036\", \"Description\": " + quote(name) + ", \"ИНН\": \"\","
                + " \"СвидетельствоДатаВыдачи\": \"0001-01-01T00:00:00\", \"КонтактнаяИнформация\": [" + contacts
                + "], \"ДополнительныеРеквизиты\": []}";
    }

    /** A goods catalog entry; a group is an entry with {@code IsFolder} true. */
    public static String catalogItem(String refKey, String name, String groupKey, boolean folder) {
        return "{\"Ref_Key\": \"" + refKey + "\", \"DataVersion\": \"AAAAAgAAAAA=\", \"DeletionMark\": false, \"Parent_Key\": \""
                + (groupKey == null ? ZERO_GUID : groupKey) + "\", \"IsFolder\": " + folder + ", \"Code\": \"00-00000012\","
                + " \"Description\": " + quote(name) + ", \"Артикул\": \"\", \"Услуга\": false}";
    }
}
