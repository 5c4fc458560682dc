package org.repeatsales.hub.routes.onec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.repeatsales.hub.ingest.Buyer;
import org.repeatsales.hub.routes.sources.PollOutcome;
import org.repeatsales.hub.routes.sources.SinglePollSource;
import org.repeatsales.hub.routes.sources.RawResponse;
import org.repeatsales.hub.routes.sources.SourceException;
import org.repeatsales.hub.routes.sources.SourceHttp;
import org.repeatsales.hub.routes.sources.SourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one 1C base over OData: sales documents from the watermark minus the overlap window,
 * ordered by date and key, page by page with {@code $top}/{@code $skip}; each page is stored with
 * the watermark it reaches in one transaction, so a failure anywhere leaves the store and the
 * watermark consistent and the next poll goes on from there. Counterparties are fetched once per
 * poll.
 */
public final class OneCSource extends SinglePollSource {

    public static final String KIND = "onec-odata";

    private static final Logger log = LoggerFactory.getLogger(OneCSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OneCSettings settings;
    private final Supplier<String> password;
    private final SourceHttp http;
    private final SourceStore store;
    private final OneCDocumentMapper mapper;

    /** @param password reads the password from where {@link OneCSettings#passwordEnv()} says, at every poll */
    public OneCSource(OneCSettings settings, Supplier<String> password, SourceHttp http, SourceStore store) {
        this.settings = settings;
        this.password = password;
        this.http = http;
        this.store = store;
        this.mapper = new OneCDocumentMapper(settings.id(), settings.fields(), settings.zone(), settings.importUnposted());
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
        try (SourceStore.PollRun run = store.startPoll(id(), KIND, settings.entitySet() + " с " + from)) {
            log.info("Source {} poll (run {}, {}) from {}", id(), run.runId(), trigger, from);
            try {
                String message = pages(run, from, watermark);
                run.succeeded(message);
                return new PollOutcome(run.runId(), true, false, message);
            } catch (SourceException e) {
                if (e.raw() != null && e.kind() != SourceException.Kind.AUTH) {
                    run.keepRaw(e.raw(), e.getMessage());
                }
                log.warn("Source {} poll (run {}) failed: {}", id(), run.runId(), e.getMessage());
                run.failed(e.getMessage());
                return new PollOutcome(run.runId(), false, false, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                run.failed("Опрос прерван остановкой хаба");
                return new PollOutcome(run.runId(), false, false, "interrupted");
            } catch (RuntimeException e) {
                log.error("Source {} poll (run {}) failed", id(), run.runId(), e);
                run.failed("Опрос остановлен ошибкой: " + e.getMessage());
                return new PollOutcome(run.runId(), false, false, e.getMessage());
            }
        }
    }

    private String pages(SourceStore.PollRun run, LocalDateTime from, String watermark)
            throws SourceException, InterruptedException {
        String authorization = authorization();
        Map<String, Buyer> counterparties = new HashMap<>();
        LocalDateTime reached = watermark == null ? null : LocalDateTime.parse(watermark);
        int documents = 0;
        int deleted = 0;
        int unposted = 0;
        int page = 1;
        for (int skip = 0; ; skip += settings.pageSize(), page++) {
            URI uri = documentsUri(from, skip);
            SourceHttp.Response response = http.get(uri, Map.of("Authorization", authorization, "Accept", "application/json"),
                    settings.entitySet(), page, this::credentialHint);
            OneCDocumentMapper.Page mapped = mapPage(response, uri, page, authorization, counterparties);
            if (mapped.latest() != null && (reached == null || mapped.latest().isAfter(reached))) {
                reached = mapped.latest();
            }
            run.storePage(mapped.receipts(), mapped.removedKeys(), reached == null ? null : reached.toString(),
                    reached == null ? null : reached.atZone(settings.zone()).toInstant());
            documents += mapped.documents();
            deleted += mapped.deleted();
            unposted += mapped.unposted();
            if (mapped.documents() < settings.pageSize()) {
                break;
            }
        }
        return "Документов " + documents + " на " + page + " стр.: сохранено " + run.rowsStored()
                + ", помечено на удаление " + deleted + ", не проведено " + unposted
                + "; водяной знак " + (reached == null ? "—" : reached);
    }

    private OneCDocumentMapper.Page mapPage(SourceHttp.Response response, URI uri, int page, String authorization,
                                            Map<String, Buyer> counterparties) throws SourceException, InterruptedException {
        RawResponse raw = new RawResponse(settings.entitySet(), page, SourceHttp.readable(uri), response.status(), response.body());
        JsonNode root;
        try {
            root = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw malformed(page, "ответ не JSON (" + e.getOriginalMessage() + ")", raw, e);
        }
        try {
            // the mapper asks for counterparties one by one; lookups that fail surface after it returns
            CounterpartyLookup lookup = new CounterpartyLookup(authorization, counterparties);
            OneCDocumentMapper.Page mapped = mapper.map(root, lookup);
            lookup.rethrow();
            return mapped;
        } catch (OneCDocumentMapper.MalformedException e) {
            throw malformed(page, e.getMessage(), raw, e);
        }
    }

    private SourceException malformed(int page, String reason, RawResponse raw, Exception cause) {
        return new SourceException(SourceException.Kind.MALFORMED,
                "Неожиданный ответ 1C: " + settings.entitySet() + ", страница " + page + ": " + reason, raw, cause);
    }

    /** Fetches counterparties through the poll's cache; remembers the first failure for the poll to throw. */
    private final class CounterpartyLookup implements java.util.function.Function<String, Buyer> {
        private final String authorization;
        private final Map<String, Buyer> cache;
        private SourceException failure;
        private InterruptedException interrupted;

        CounterpartyLookup(String authorization, Map<String, Buyer> cache) {
            this.authorization = authorization;
            this.cache = cache;
        }

        @Override
        public Buyer apply(String key) {
            Buyer cached = cache.get(key);
            if (cached != null || failure != null || interrupted != null) {
                return cached == null ? Buyer.ANONYMOUS : cached;
            }
            try {
                Buyer buyer = fetchCounterparty(key, authorization);
                cache.put(key, buyer);
                return buyer;
            } catch (SourceException e) {
                failure = e;
            } catch (InterruptedException e) {
                interrupted = e;
            }
            return Buyer.ANONYMOUS;
        }

        void rethrow() throws SourceException, InterruptedException {
            if (interrupted != null) {
                throw interrupted;
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private Buyer fetchCounterparty(String key, String authorization) throws SourceException, InterruptedException {
        String entity = settings.counterpartySet() + "(guid'" + key + "')";
        URI uri = URI.create(odataRoot() + encode(settings.counterpartySet()) + "(guid'" + key + "')?$format=json");
        SourceHttp.Response response;
        try {
            response = http.get(uri, Map.of("Authorization", authorization, "Accept", "application/json"), entity, 0,
                    this::credentialHint);
        } catch (SourceException e) {
            if (e.kind() == SourceException.Kind.REJECTED && e.raw() != null && e.raw().httpStatus() == 404) {
                // the counterparty was deleted in 1C: the receipt is still a sale, known only by the key
                return new Buyer(null, null, null, key, null, null);
            }
            throw e;
        }
        RawResponse raw = new RawResponse(entity, 0, SourceHttp.readable(uri), response.status(), response.body());
        try {
            return mapper.buyer(JSON.readTree(response.body()));
        } catch (JsonProcessingException e) {
            throw new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ 1C: " + entity + ": ответ не JSON", raw, e);
        } catch (OneCDocumentMapper.MalformedException e) {
            throw new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ 1C: " + entity + ": " + e.getMessage(), raw, e);
        }
    }

    URI documentsUri(LocalDateTime from, int skip) {
        OneCFields f = settings.fields();
        String filter = f.date() + " ge datetime'" + from.withNano(0) + (from.getSecond() == 0 ? ":00" : "") + "'";
        return URI.create(odataRoot() + encode(settings.entitySet())
                + "?$format=json"
                + "&$filter=" + encode(filter)
                + "&$orderby=" + encode(f.date() + "," + f.key())
                + "&$top=" + settings.pageSize()
                + "&$skip=" + skip);
    }

    private String odataRoot() {
        String base = settings.baseUrl().endsWith("/") ? settings.baseUrl() : settings.baseUrl() + "/";
        return base + "odata/standard.odata/";
    }

    private String authorization() throws SourceException {
        String secret = password.get();
        if (secret == null || secret.isEmpty()) {
            throw new SourceException(SourceException.Kind.AUTH, "Не задан пароль 1C: переменная окружения "
                    + settings.passwordEnv() + " пуста или отсутствует (источник " + id() + ")", null);
        }
        return "Basic " + Base64.getEncoder().encodeToString((settings.user() + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private String credentialHint() {
        return "проверьте пользователя «" + settings.user() + "» и пароль в переменной окружения " + settings.passwordEnv()
                + " (источник " + id() + ")";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
