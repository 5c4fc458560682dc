package org.repeatsales.hub.routes.ofdru;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.repeatsales.hub.ingest.ReceiptJsonReader;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.repeatsales.hub.routes.sources.RawResponse;
import org.repeatsales.hub.routes.sources.SinglePollSource;
import org.repeatsales.hub.routes.sources.SourceException;
import org.repeatsales.hub.routes.sources.SourceHttp;
import org.repeatsales.hub.routes.sources.SourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the cash registers of one organisation at OFD.ru. For each register (configured, or listed
 * by the API's {@code kkts}) it asks {@code receipts?dateFrom&dateTo} window by window from that
 * register's watermark minus the overlap up to now; the API has no paging, a window is one answer.
 * A list element without its lines is completed by {@code receipt/{id}}. Receipts are renamed to
 * FFD names ({@link OfdRuReceiptMapper}) and mapped by {@link ReceiptJsonReader#mapReceipt}, so a
 * receipt is keyed {@code fiscal} / ФН:ФД whichever way it arrived. Each window is stored with the
 * instance's watermark (every register's own) in one transaction.
 *
 * <p>The API takes its token in the query ({@code AuthToken=}), so every URL this class lets out
 * goes through {@link SourceHttp#readable}, which masks it. A configured token that is refused
 * fails the poll at once; a token obtained by logging in is renewed once when refused or expired.
 */
public final class OfdRuSource extends SinglePollSource {

    public static final String KIND = "ofd-ru";

    static final String RECEIPTS = "receipts";
    static final String RECEIPT = "receipt";
    static final String KKTS = "kkts";
    static final String LOGIN = "CreateAuthToken";

    private static final Logger log = LoggerFactory.getLogger(OfdRuSource.class);

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private static final DateTimeFormatter API_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** A token is renewed this long before the expiry the API announced, so no request carries a dying one. */
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);

    private final OfdRuSettings settings;
    private final Supplier<String> token;
    private final Supplier<String> password;
    private final SourceHttp http;
    private final SourceStore store;
    private final Clock clock;
    private final ReceiptJsonReader receipts;

    /** A token from logging in, kept between polls until shortly before it expires; guarded by {@link #polling}. */
    private String loggedInToken;
    private Instant loggedInUntil;

    /**
     * @param token reads the configured token from where {@link OfdRuSettings#tokenEnv()} says, at every poll
     * @param password reads the password from where {@link OfdRuSettings#passwordEnv()} says, at every login
     */
    public OfdRuSource(OfdRuSettings settings, Supplier<String> token, Supplier<String> password, SourceHttp http,
                       SourceStore store, Clock clock) {
        this.settings = settings;
        this.token = token;
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
        Map<String, LocalDateTime> marks = parseWatermark(store.watermark(id()));
        LocalDateTime now = LocalDateTime.now(clock.withZone(settings.zone())).withNano(0);
        return recordedPoll(store, trigger, "ОФД.ру, ИНН " + settings.inn() + " до " + now, "up to " + now,
                run -> registers(run, marks, now));
    }

    /** Counts of one poll, for its message. */
    private static final class Tally {
        int requests;
        int listed;
        int corrections;
        int rejected;
    }

    private String registers(SourceStore.PollRun run, Map<String, LocalDateTime> marks, LocalDateTime now)
            throws SourceException, InterruptedException {
        Tally tally = new Tally();
        Map<String, LocalDateTime> registers = registerList(tally);
        for (Map.Entry<String, LocalDateTime> register : registers.entrySet()) {
            String rn = register.getKey();
            LocalDateTime mark = marks.get(rn);
            LocalDateTime from = mark == null ? later(settings.since(), register.getValue()) : mark.minus(settings.overlap());
            while (from.isBefore(now)) {
                LocalDateTime to = from.plus(settings.window()).isBefore(now) ? from.plus(settings.window()) : now;
                List<ReceiptRecord> records = window(run, rn, from, to, tally);
                // the window is read to its end: the register's receipts up to `to` are stored with this very mark
                if (mark == null || to.isAfter(mark)) {
                    mark = to;
                }
                marks.put(rn, mark);
                run.storePage(records, List.of(), formatWatermark(marks), earliest(marks, registers));
                from = to;
            }
        }
        return "Касс " + registers.size() + ", запросов " + tally.requests + ": чеков получено " + tally.listed
                + ", сохранено строк " + run.rowsStored() + ", чеков коррекции пропущено " + tally.corrections
                + ", чеков отклонено " + tally.rejected + "; водяной знак " + (marks.isEmpty() ? "—" : formatWatermark(marks));
    }

    /** One request's worth of a register's receipts, mapped; receipts that cannot be mapped are kept aside. */
    private List<ReceiptRecord> window(SourceStore.PollRun run, String rn, LocalDateTime from, LocalDateTime to, Tally tally)
            throws SourceException, InterruptedException {
        int page = ++tally.requests;
        String entity = RECEIPTS + " " + rn;
        URI uri = api("inn/" + encode(settings.inn()) + "/kkt/" + encode(rn) + "/receipts",
                "dateFrom=" + API_DATE.format(from) + "&dateTo=" + API_DATE.format(to));
        JsonNode data = data(fetch(uri, entity, page), uri, entity, page);
        if (!data.isArray()) {
            throw malformed(entity, page, "Data не массив", raw(uri, entity, page, data.toString()));
        }
        List<ReceiptRecord> records = new ArrayList<>(data.size());
        for (JsonNode listed : data) {
            tally.listed++;
            if (!listed.isObject()) {
                throw malformed(entity, page, "чек №" + tally.listed + " не объект", raw(uri, entity, page, data.toString()));
            }
            if (OfdRuReceiptMapper.isCorrection(listed)) {
                tally.corrections++;
                continue;
            }
            JsonNode detail = OfdRuReceiptMapper.hasItems(listed) ? null : detail(rn, listed, page, tally);
            ObjectNode ffd = OfdRuReceiptMapper.toFfd(listed, detail);
            ReceiptJsonReader.Mapped mapped = receipts.mapReceipt(ffd, tally.listed);
            if (mapped.record() == null) {
                // one bad receipt must not hold back the register's others: kept for a person to see
                tally.rejected++;
                run.keepRaw(new RawResponse(entity, page, SourceHttp.readable(uri), 200, listed.toString()),
                        "Чек не принят: " + mapped.rejection().reason());
                continue;
            }
            records.add(mapped.record());
        }
        return records;
    }

    /** The single receipt, for the lines and buyer contact a plain list leaves out. */
    private JsonNode detail(String rn, JsonNode listed, int page, Tally tally) throws SourceException, InterruptedException {
        String receiptId = OfdRuReceiptMapper.idOf(listed);
        String entity = RECEIPT + " " + rn;
        if (receiptId == null) {
            throw malformed(entity, page, "у чека без позиций нет Id", new RawResponse(entity, page, null, 200, listed.toString()));
        }
        tally.requests++;
        URI uri = api("inn/" + encode(settings.inn()) + "/kkt/" + encode(rn) + "/receipt/" + encode(receiptId), null);
        JsonNode data = data(fetch(uri, entity, page), uri, entity, page);
        if (!data.isObject()) {
            throw malformed(entity, page, "Data чека " + receiptId + " не объект", raw(uri, entity, page, data.toString()));
        }
        return data;
    }

    /** Registration numbers to poll with the date of each one's first document (null when unknown). */
    private Map<String, LocalDateTime> registerList(Tally tally) throws SourceException, InterruptedException {
        Map<String, LocalDateTime> registers = new LinkedHashMap<>();
        if (!settings.cashRegisters().isEmpty()) {
            settings.cashRegisters().forEach(rn -> registers.put(rn, null));
            return registers;
        }
        tally.requests++;
        URI uri = api("inn/" + encode(settings.inn()) + "/kkts", null);
        JsonNode data = data(fetch(uri, KKTS, 0), uri, KKTS, 0);
        if (!data.isArray()) {
            throw malformed(KKTS, 0, "Data не массив", raw(uri, KKTS, 0, data.toString()));
        }
        for (JsonNode kkt : data) {
            String rn = kkt.path("KktRegId").asText("").trim();
            if (rn.isEmpty()) {
                rn = kkt.path("KktRegNumber").asText("").trim();
            }
            if (rn.isEmpty()) {
                throw malformed(KKTS, 0, "касса без KktRegId", raw(uri, KKTS, 0, data.toString()));
            }
            registers.put(rn, date(kkt.path("FirstDocumentDate").asText(null)));
        }
        log.info("Source {}: {} cash registers listed by the API", id(), registers.size());
        return registers;
    }

    /** A request with a valid token: logs in when there is none; a refused token from a login is renewed once. */
    private SourceHttp.Response fetch(URI uri, String entity, int page) throws SourceException, InterruptedException {
        boolean renewable = !settings.configuredToken();
        String current = currentToken();
        try {
            return http.get(withToken(uri, current), Map.of("Accept", "application/json"), entity, page,
                    renewable ? this::loginHint : this::tokenHint);
        } catch (SourceException e) {
            if (!renewable || e.kind() != SourceException.Kind.AUTH) {
                throw e;
            }
            // the token is suspect now: the next request (or poll) logs in afresh, once, never in a storm
            loggedInToken = null;
            if (e.raw() == null || e.raw().httpStatus() != 401) {
                throw e;
            }
            log.info("Source {}: token refused, logging in again", id());
        }
        try {
            // a second refusal fails the poll: logging in again in a loop would only lock the account
            return http.get(withToken(uri, currentToken()), Map.of("Accept", "application/json"), entity, page, this::loginHint);
        } catch (SourceException e) {
            if (e.kind() == SourceException.Kind.AUTH) {
                loggedInToken = null;
            }
            throw e;
        }
    }

    private String currentToken() throws SourceException, InterruptedException {
        if (settings.configuredToken()) {
            String value = token.get();
            if (value == null || value.isBlank()) {
                throw new SourceException(SourceException.Kind.AUTH, "Не задан токен ОФД.ру: переменная окружения "
                        + settings.tokenEnv() + " пуста или отсутствует (источник " + id() + ")", null);
            }
            return value.trim();
        }
        if (loggedInToken == null || (loggedInUntil != null && !clock.instant().plus(TOKEN_MARGIN).isBefore(loggedInUntil))) {
            loggedInToken = null;
            logIn();
        }
        return loggedInToken;
    }

    /** {@code POST /api/Authorization/CreateAuthToken {Login, Password}}: answers {@code AuthToken} and {@code ExpirationDateUtc}. */
    private void logIn() throws SourceException, InterruptedException {
        String secret = password.get();
        if (secret == null || secret.isEmpty()) {
            throw new SourceException(SourceException.Kind.AUTH, "Не задан пароль ОФД.ру: переменная окружения "
                    + settings.passwordEnv() + " пуста или отсутствует (источник " + id() + ")", null);
        }
        ObjectNode body = JSON.createObjectNode().put("Login", settings.login()).put("Password", secret);
        SourceHttp.Response response = http.post(URI.create(root() + "api/Authorization/CreateAuthToken"), body.toString(),
                Map.of("Content-Type", "application/json; charset=utf-8", "Accept", "application/json"), LOGIN, this::loginHint);
        String value = null;
        Instant until = null;
        try {
            JsonNode answer = JSON.readTree(response.body());
            if (answer != null && answer.path("AuthToken").isTextual()) {
                value = answer.get("AuthToken").asText();
                LocalDateTime expires = date(answer.path("ExpirationDateUtc").asText(null));
                until = expires == null ? null : expires.toInstant(java.time.ZoneOffset.UTC);
            }
        } catch (JsonProcessingException e) {
            value = null;
        }
        if (value == null || value.isBlank()) {
            // the answer is not kept: had it held a token after all, it would be a credential
            throw new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ ОФД.ру при входе: нет поля AuthToken"
                    + " (источник " + id() + ")", null);
        }
        loggedInToken = value;
        loggedInUntil = until;
    }

    /** The {@code Data} of an answer {@code {Status, Data, Errors}}; a {@code Failed} status is the API refusing the request. */
    private JsonNode data(SourceHttp.Response response, URI uri, String entity, int page) throws SourceException {
        RawResponse raw = raw(uri, entity, page, response.body());
        JsonNode root;
        try {
            root = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw malformed(entity, page, "ответ не JSON (" + e.getOriginalMessage() + ")", raw);
        }
        if (root == null || !root.isObject()) {
            throw malformed(entity, page, "ответ не объект JSON", raw);
        }
        String status = root.path("Status").asText("");
        if (!status.isEmpty() && !"Success".equalsIgnoreCase(status)) {
            throw new SourceException(SourceException.Kind.REJECTED, "ОФД.ру отказал (" + status + ") на " + entity
                    + (page > 0 ? ", запрос " + page : "") + ": " + errors(root.get("Errors")) + " (источник " + id() + ")", raw);
        }
        JsonNode data = root.get("Data");
        if (data == null || data.isNull()) {
            throw malformed(entity, page, "нет поля Data", raw);
        }
        return data;
    }

    private static String errors(JsonNode errors) {
        if (errors == null || errors.isNull() || errors.isEmpty()) {
            return "без описания";
        }
        if (!errors.isArray()) {
            return errors.asText(errors.toString());
        }
        List<String> texts = new ArrayList<>();
        errors.forEach(e -> texts.add(e.isTextual() ? e.asText() : e.toString()));
        return String.join("; ", texts);
    }

    private SourceException malformed(String entity, int page, String reason, RawResponse raw) {
        return new SourceException(SourceException.Kind.MALFORMED,
                "Неожиданный ответ ОФД.ру: " + entity + (page > 0 ? ", запрос " + page : "") + ": " + reason, raw);
    }

    private static RawResponse raw(URI uri, String entity, int page, String body) {
        return new RawResponse(entity, page, SourceHttp.readable(uri), 200, body);
    }

    private URI api(String path, String query) {
        return URI.create(root() + "api/integration/v1/" + path + (query == null ? "" : "?" + query));
    }

    private static URI withToken(URI uri, String token) {
        String text = uri.toString();
        return URI.create(text + (text.contains("?") ? "&" : "?") + "AuthToken=" + encode(token));
    }

    private String root() {
        return settings.baseUrl().endsWith("/") ? settings.baseUrl() : settings.baseUrl() + "/";
    }

    private String tokenHint() {
        return "проверьте токен в переменной окружения " + settings.tokenEnv() + " и доступ к ИНН " + settings.inn()
                + " (источник " + id() + ")";
    }

    private String loginHint() {
        return "проверьте логин «" + settings.login() + "» и пароль в переменной окружения " + settings.passwordEnv()
                + " и доступ к ИНН " + settings.inn() + " (источник " + id() + ")";
    }

    /**
     * The instance's watermark: every register's own, {@code <РН>=<local time>} joined by {@code ;},
     * sorted so the text is stable.
     */
    static String formatWatermark(Map<String, LocalDateTime> marks) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(marks).forEach((rn, at) -> text.append(text.isEmpty() ? "" : ";").append(rn).append('=').append(at));
        return text.toString();
    }

    static Map<String, LocalDateTime> parseWatermark(String watermark) {
        Map<String, LocalDateTime> marks = new TreeMap<>();
        if (watermark == null || watermark.isBlank()) {
            return marks;
        }
        for (String part : watermark.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            LocalDateTime at = date(part.substring(eq + 1));
            if (at != null) {
                marks.put(part.substring(0, eq).trim(), at);
            }
        }
        return marks;
    }

    /** The moment up to which every polled register is read: the earliest of their marks. */
    private Instant earliest(Map<String, LocalDateTime> marks, Map<String, LocalDateTime> registers) {
        LocalDateTime min = null;
        for (String rn : registers.keySet()) {
            LocalDateTime at = marks.get(rn);
            if (at == null) {
                return null; // a register not read yet: nothing is complete for all of them
            }
            min = min == null || at.isBefore(min) ? at : min;
        }
        return min == null ? null : min.atZone(settings.zone()).toInstant();
    }

    private static LocalDateTime later(LocalDateTime since, LocalDateTime firstDocument) {
        return firstDocument != null && firstDocument.isAfter(since) ? firstDocument : since;
    }

    private static LocalDateTime date(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(OfdRuReceiptMapper.isoDateTime(text));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
