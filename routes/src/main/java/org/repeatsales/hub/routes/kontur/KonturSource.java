package org.repeatsales.hub.routes.kontur;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.repeatsales.hub.ingest.ReceiptJsonReader;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.repeatsales.hub.routes.sources.SinglePollSource;
import org.repeatsales.hub.routes.sources.RawResponse;
import org.repeatsales.hub.routes.sources.SourceException;
import org.repeatsales.hub.routes.sources.SourceHttp;
import org.repeatsales.hub.routes.sources.SourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one Kontur.OFD cash register: {@code documents/by-period} from the watermark minus the
 * overlap window up to now, page by page with the opaque {@code offset} the API hands out, until
 * the API answers with the offset it was sent (or none). Receipts and БСО go through the same
 * mapping as a receipts-JSON file ({@link ReceiptJsonReader#mapReceipt}), so one fiscal receipt has
 * one natural key ({@code fiscal}, ФН:ФД) whichever way it arrived; shift reports and other
 * documents carry no sale and are skipped. Each page is stored with the watermark it reaches in one
 * transaction.
 *
 * <p>Requests carry the integrator's API key and a session id ({@code auth.sid}) obtained with the
 * login and password; a session that expired (401 with errorCode 401002) is renewed once and the
 * request repeated.
 */
public final class KonturSource extends SinglePollSource {

    public static final String KIND = "kontur-ofd";

    static final String ENTITY = "documents/by-period";
    static final String SESSION_EXPIRED = "401002";

    private static final Logger log = LoggerFactory.getLogger(KonturSource.class);

    /** Exact decimals as in the file reader: a quantity of 0.348 must reach the mapping as written. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private static final DateTimeFormatter API_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** The API hands out offsets already percent-encoded ({@code ...%3D%3D}); such a value is sent as it came. */
    private static final Pattern URL_READY = Pattern.compile("[A-Za-z0-9._~%-]+");

    /** Keys under which the API wraps a document that records a sale. */
    private static final List<String> SALES = List.of("receipt", "bso");

    private final KonturSettings settings;
    private final Supplier<String> apiKey;
    private final Supplier<String> password;
    private final SourceHttp http;
    private final SourceStore store;
    private final Clock clock;
    private final ReceiptJsonReader receipts;

    /** The session, kept between polls (a login per poll would be needless load); guarded by {@link #polling}. */
    private String sid;

    /**
     * @param apiKey reads the API key from where {@link KonturSettings#apiKeyEnv()} says, at every poll
     * @param password reads the password from where {@link KonturSettings#passwordEnv()} says, at every login
     */
    public KonturSource(KonturSettings settings, Supplier<String> apiKey, Supplier<String> password, SourceHttp http,
                        SourceStore store, Clock clock) {
        this.settings = settings;
        this.apiKey = apiKey;
        this.password = password;
        this.http = http;
        this.store = store;
        this.clock = clock;
        this.receipts = new ReceiptJsonReader(settings.zone());
    }

    @Override
    public String id() {
        return settings.id();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    protected PollOutcome pollLocked(String trigger) {
        String watermark = store.watermark(id());
        LocalDateTime from = watermark == null ? settings.since() : LocalDateTime.parse(watermark).minus(settings.overlap());
        LocalDateTime to = LocalDateTime.now(clock.withZone(settings.zone())).withNano(0);
        return recordedPoll(store, trigger, "Касса " + settings.cashRegisterId() + " с " + from,
                "from " + from + " to " + to, run -> pages(run, from, to, watermark));
    }

    private String pages(SourceStore.PollRun run, LocalDateTime from, LocalDateTime to, String watermark)
            throws SourceException, InterruptedException {
        // a key pasted from a file often ends with a newline, which no header may carry
        String key = secret(apiKey, settings.apiKeyEnv(), "API-ключ Контур.ОФД").trim();
        LocalDateTime reached = watermark == null ? null : LocalDateTime.parse(watermark);
        long documents = 0;
        int skipped = 0;
        int rejected = 0;
        int page = 1;
        String offset = null;
        Set<String> offsets = new HashSet<>();
        while (true) {
            URI uri = documentsUri(from, to, offset);
            SourceHttp.Response response = fetch(uri, key, page);
            RawResponse raw = new RawResponse(ENTITY, page, SourceHttp.readable(uri), response.status(), response.body());
            JsonNode root = parse(response.body(), page, raw);
            JsonNode list = root.get("documents");
            if (list == null || !list.isArray()) {
                throw malformed(page, "нет массива documents", raw, null);
            }
            List<ReceiptRecord> records = new ArrayList<>(list.size());
            for (JsonNode document : list) {
                documents++;
                JsonNode receipt = saleOf(document);
                if (receipt == null) {
                    skipped++;
                    continue;
                }
                ReceiptJsonReader.Mapped mapped = receipts.mapReceipt(receipt, documents);
                if (mapped.record() == null) {
                    // one bad receipt must not hold back the register's other receipts: kept for a person to see
                    rejected++;
                    run.keepRaw(new RawResponse(ENTITY, page, raw.url(), raw.httpStatus(), mapped.rejection().raw()),
                            "Чек не принят: " + mapped.rejection().reason());
                    continue;
                }
                records.add(mapped.record());
                LocalDateTime at = LocalDateTime.ofInstant(mapped.record().purchasedAt(), settings.zone());
                if (reached == null || at.isAfter(reached)) {
                    reached = at;
                }
            }
            run.storePage(records, List.of(), reached == null ? null : reached.toString(),
                    reached == null ? null : reached.atZone(settings.zone()).toInstant());
            String next = root.path("paging").path("nextOffset").isTextual() ? root.path("paging").path("nextOffset").asText() : null;
            // the API's end of the period: the offset sent comes back, or there is none
            if (next == null || next.isBlank() || next.equals(offset)) {
                break;
            }
            if (!offsets.add(next)) {
                // an offset handed out twice would page in a circle for ever, blocking every later poll
                throw malformed(page, "nextOffset " + next + " уже встречался в этом опросе", raw, null);
            }
            offset = next;
            page++;
        }
        return "Документов " + documents + " на " + page + " стр.: чеков сохранено " + run.rowsStored()
                + ", прочих документов пропущено " + skipped + ", чеков отклонено " + rejected
                + "; водяной знак " + (reached == null ? "—" : reached);
    }

    /** The receipt inside a document of the list ({@code {"receipt": {...}}}), or null for any other document. */
    private static JsonNode saleOf(JsonNode document) {
        for (String type : SALES) {
            JsonNode sale = document.get(type);
            if (sale != null && sale.isObject()) {
                return sale;
            }
        }
        return null;
    }

    /** A documents request with a live session: opens one when there is none and renews an expired one once. */
    private SourceHttp.Response fetch(URI uri, String key, int page) throws SourceException, InterruptedException {
        if (sid == null) {
            sid = authenticate();
        }
        try {
            return http.get(uri, headers(key), ENTITY, page, this::apiKeyHint);
        } catch (SourceException e) {
            if (!sessionExpired(e)) {
                forgetSessionOnRefusal(e);
                throw e;
            }
            log.info("Source {}: session expired, logging in again", id());
            sid = null;
            sid = authenticate();
        }
        try {
            // a second refusal fails the poll: logging in again in a loop would only lock the account
            return http.get(uri, headers(key), ENTITY, page, this::apiKeyHint);
        } catch (SourceException e) {
            forgetSessionOnRefusal(e);
            throw e;
        }
    }

    /** After a refusal the session is suspect: the next poll logs in afresh (once per poll, never a storm). */
    private void forgetSessionOnRefusal(SourceException e) {
        if (e.kind() == SourceException.Kind.AUTH) {
            sid = null;
        }
    }

    private Map<String, String> headers(String key) {
        return Map.of("X-Kontur-Ofd-ApiKey", key, "Authorization", "auth.sid " + sid, "Accept", "application/json");
    }

    static boolean sessionExpired(SourceException e) {
        if (e.kind() != SourceException.Kind.AUTH || e.raw() == null || e.raw().httpStatus() != 401) {
            return false;
        }
        try {
            JsonNode body = JSON.readTree(e.raw().body() == null ? "" : e.raw().body());
            if (body == null) {
                return false;
            }
            JsonNode code = body.has("errorCode") ? body.get("errorCode") : body.path("ErrorCode");
            return SESSION_EXPIRED.equals(code.asText());
        } catch (JsonProcessingException notJson) {
            return false; // a plain 401 is a refused credential, not an expired session
        }
    }

    /** Logs in: POST {@code <auth-url>?login=} with the password as the body; the answer's {@code Sid} is the session. */
    private String authenticate() throws SourceException, InterruptedException {
        String secret = secret(password, settings.passwordEnv(), "пароль Контур");
        String base = settings.authUrl();
        URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + "login=" + encode(settings.login()));
        SourceHttp.Response response = http.post(uri, secret,
                Map.of("Content-Type", "text/plain; charset=utf-8", "Accept", "application/json"), "authenticate-by-pass",
                this::loginHint);
        String session;
        try {
            JsonNode root = JSON.readTree(response.body());
            JsonNode value = root == null ? null : root.has("Sid") ? root.get("Sid") : root.get("sid");
            session = value == null || !value.isTextual() ? null : value.asText();
        } catch (JsonProcessingException e) {
            session = null;
        }
        if (session == null || session.isBlank()) {
            // the answer is not kept: had it held a session after all, it would be a credential
            throw new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ Контур при входе (" + settings.authUrl()
                    + "): нет поля Sid (источник " + id() + ")", null);
        }
        return session;
    }

    URI documentsUri(LocalDateTime from, LocalDateTime to, String offset) {
        String base = settings.baseUrl().endsWith("/") ? settings.baseUrl() : settings.baseUrl() + "/";
        return URI.create(base + "v2/organizations/" + encode(settings.organizationId())
                + "/cashboxes/" + encode(settings.cashRegisterId()) + "/documents/by-period"
                + "?dateFrom=" + API_DATE.format(from)
                + "&dateTo=" + API_DATE.format(to)
                + "&types=receipt,bso"
                + (offset == null ? "" : "&offset=" + (URL_READY.matcher(offset).matches() ? offset : encode(offset)))
                + "&limit=" + settings.pageSize());
    }

    private JsonNode parse(String body, int page, RawResponse raw) throws SourceException {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw malformed(page, "ответ не объект JSON", raw, null);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw malformed(page, "ответ не JSON (" + e.getOriginalMessage() + ")", raw, e);
        }
    }

    private SourceException malformed(int page, String reason, RawResponse raw, Exception cause) {
        return new SourceException(SourceException.Kind.MALFORMED,
                "Неожиданный ответ Контур.ОФД: " + ENTITY + ", страница " + page + ": " + reason, raw, cause);
    }

    private String secret(Supplier<String> source, String env, String what) throws SourceException {
        String value = source.get();
        if (value == null || value.isBlank()) {
            throw new SourceException(SourceException.Kind.AUTH, "Не задан " + what + ": переменная окружения " + env
                    + " пуста или отсутствует (источник " + id() + ")", null);
        }
        return value;
    }

    private String apiKeyHint() {
        return "проверьте API-ключ в переменной окружения " + settings.apiKeyEnv() + " и доступ пользователя «"
                + settings.login() + "» к организации " + settings.organizationId() + " и кассе " + settings.cashRegisterId()
                + " (источник " + id() + ")";
    }

    private String loginHint() {
        return "проверьте логин «" + settings.login() + "» и пароль в переменной окружения " + settings.passwordEnv()
                + " (источник " + id() + ")";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
