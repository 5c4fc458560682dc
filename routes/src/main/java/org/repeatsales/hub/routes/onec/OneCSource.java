package org.repeatsales.hub.routes.onec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.repeatsales.hub.ingest.Buyer;
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
 * Polls one 1C base over OData: sales documents from the watermark minus the overlap window,
 * ordered by date and key, page by page with {@code $top}/{@code $skip}; each page is stored with
 * the watermark it reaches in one transaction, so a failure anywhere leaves the store and the
 * watermark consistent and the next poll goes on from there. Counterparties and goods items are
 * fetched once per poll, before the page that first names them, in batched catalog requests.
 *
 * <p>Increments are by {@code Date}: 1C's {@code DataVersion} is an opaque stamp that OData can
 * compare for equality only (it cannot be ordered, so it cannot be a watermark). With
 * {@link OneCSettings#skipUnchangedVersions()} it serves the other purpose it can: a document the
 * overlap window brings back in the version this source already stored is left out of the page.
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
                // recorded before the interrupt is restored: the store calls must not see it
                run.failed("Опрос прерван остановкой хаба");
                Thread.currentThread().interrupt();
                return new PollOutcome(run.runId(), false, false, "interrupted");
            } catch (RuntimeException e) {
                log.error("Source {} poll (run {}) failed", id(), run.runId(), e);
                run.failed("Опрос остановлен ошибкой: " + e.getMessage());
                return new PollOutcome(run.runId(), false, false, e.getMessage());
            }
        }
    }

    /** A page read, parsed and mapped, ready to store. */
    private record Fetched(int page, JsonNode root, OneCDocumentMapper.Page mapped) {
    }

    /**
     * Pages are read one ahead: while the store writes, the next page is requested, parsed and
     * mapped on the poll's fetch thread, as the file import reads while it writes. Stores stay in
     * page order on the poll's thread and take whole pages, so the watermark moves with the pages
     * stored; a page read ahead is never stored before the pages before it.
     */
    private String pages(SourceStore.PollRun run, LocalDateTime from, String watermark)
            throws SourceException, InterruptedException {
        String authorization = authorization();
        Lookups lookups = new Lookups(authorization);
        versions.values().removeIf(v -> v.date().isBefore(from)); // never asked for again
        LocalDateTime reached = watermark == null ? null : LocalDateTime.parse(watermark);
        int documents = 0;
        int deleted = 0;
        int unposted = 0;
        int unchanged = 0;
        int page = 0;
        ExecutorService ahead = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "source-" + id() + "-fetch");
            t.setDaemon(true);
            return t;
        });
        Future<Fetched> next = ahead.submit(() -> fetch(from, 0, 1, authorization, lookups));
        Pending pending = new Pending();
        try {
            while (next != null) {
                Fetched current;
                try {
                    current = await(next);
                } catch (SourceException | InterruptedException | RuntimeException e) {
                    // what was read before the failure is stored, with the watermark it reached
                    next = null;
                    pending.flush(run);
                    throw e;
                }
                page = current.page();
                OneCDocumentMapper.Page mapped = current.mapped();
                int nextPage = page + 1;
                next = mapped.documents() < settings.pageSize() ? null
                        : ahead.submit(() -> fetch(from, (nextPage - 1) * settings.pageSize(), nextPage, authorization, lookups));
                if (mapped.latest() != null && (reached == null || mapped.latest().isAfter(reached))) {
                    reached = mapped.latest();
                }
                pending.add(current, reached);
                if (next == null || pending.documents >= settings.storeBatch()) {
                    pending.flush(run);
                }
                documents += mapped.documents();
                deleted += mapped.deleted();
                unposted += mapped.unposted();
                unchanged += mapped.unchanged();
            }
        } finally {
            if (next != null) {
                next.cancel(true);
            }
            ahead.shutdownNow();
        }
        return "Документов " + documents + " на " + page + " стр.: сохранено " + run.rowsStored()
                + ", помечено на удаление " + deleted + ", не проведено " + unposted
                + (settings.skipUnchangedVersions() ? ", без изменений по DataVersion " + unchanged : "")
                + "; запросов к справочникам " + lookups.requests
                + "; водяной знак " + (reached == null ? "—" : reached);
    }

    /**
     * Pages read but not stored yet: up to {@link OneCSettings#storeBatch()} documents go into one
     * transaction with the watermark the last of them reached, so the per-transaction costs of the
     * store (ingest lock, classification, identity lookups) are paid once per batch, not per page.
     */
    private final class Pending {
        private final List<ReceiptRecord> receipts = new ArrayList<>();
        private final List<String> removed = new ArrayList<>();
        private final List<JsonNode> roots = new ArrayList<>();
        private LocalDateTime reached;
        private int pages;
        int documents;

        void add(Fetched page, LocalDateTime reachedSoFar) {
            receipts.addAll(page.mapped().receipts());
            removed.addAll(page.mapped().removedKeys());
            if (settings.skipUnchangedVersions()) {
                roots.add(page.root()); // parsed pages are large: kept only when their versions are needed
            }
            documents += page.mapped().documents();
            pages++;
            reached = reachedSoFar;
        }

        void flush(SourceStore.PollRun run) {
            if (pages == 0) {
                return;
            }
            run.storePage(receipts, removed, reached == null ? null : reached.toString(),
                    reached == null ? null : reached.atZone(settings.zone()).toInstant());
            roots.forEach(OneCSource.this::rememberVersions);
            receipts.clear();
            removed.clear();
            roots.clear();
            documents = 0;
            pages = 0;
        }
    }

    /** Reads, parses and maps one page; runs on the poll's fetch thread, the only user of {@code lookups}. */
    private Fetched fetch(LocalDateTime from, int skip, int page, String authorization, Lookups lookups)
            throws SourceException, InterruptedException {
        URI uri = documentsUri(from, skip);
        SourceHttp.Response response = http.get(uri, Map.of("Authorization", authorization, "Accept", "application/json"),
                settings.entitySet(), page, this::credentialHint);
        RawResponse raw = new RawResponse(settings.entitySet(), page, SourceHttp.readable(uri), response.status(), response.body());
        JsonNode root = parse(response.body(), page, raw);
        lookups.prefetch(mapper.references(root));
        try {
            return new Fetched(page, root, mapper.map(root, lookups::buyer, lookups::item, this::storedInThisVersion));
        } catch (OneCDocumentMapper.MalformedException e) {
            throw malformed(page, e.getMessage(), raw, e);
        }
    }

    /** The page the fetch thread produced, or what stopped it. */
    private static Fetched await(Future<Fetched> page) throws SourceException, InterruptedException {
        try {
            return page.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SourceException se) {
                throw se;
            }
            if (cause instanceof InterruptedException ie) {
                throw ie;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** A document's version this source has stored, with its date (to forget it once no poll can read it again). */
    private record Version(String version, LocalDateTime date) {
    }

    /**
     * Versions of the documents this source stored, by key; used only with
     * {@link OneCSettings#skipUnchangedVersions()}. Kept in memory: after a restart every document
     * of the overlap window is mapped and written once more, which the store takes as unchanged.
     * Written by the poll's thread after each page is stored, read by its fetch thread.
     */
    private final Map<String, Version> versions = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean storedInThisVersion(JsonNode doc) {
        if (!settings.skipUnchangedVersions()) {
            return false;
        }
        String key = mapper.keyOf(doc);
        String version = mapper.dataVersion(doc);
        Version stored = key == null ? null : versions.get(key);
        return version != null && stored != null && version.equals(stored.version());
    }

    /** After the page committed: its documents are stored in these versions. */
    private void rememberVersions(JsonNode root) {
        if (!settings.skipUnchangedVersions()) {
            return;
        }
        for (JsonNode doc : root.get("value")) {
            String key = mapper.keyOf(doc);
            String version = mapper.dataVersion(doc);
            String date = doc.path(settings.fields().date()).asText("");
            if (key != null && version != null && date.length() >= 19) {
                versions.put(key, new Version(version, LocalDateTime.parse(date.substring(0, 19))));
            }
        }
    }

    private JsonNode parse(String body, int page, RawResponse raw) throws SourceException {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(page, "ответ не JSON (" + e.getOriginalMessage() + ")", raw, e);
        }
    }

    private SourceException malformed(int page, String reason, RawResponse raw, Exception cause) {
        return new SourceException(SourceException.Kind.MALFORMED,
                "Неожиданный ответ 1C: " + settings.entitySet() + ", страница " + page + ": " + reason, raw, cause);
    }

    /**
     * Counterparties and goods items of one poll, fetched before each page is mapped in batched
     * requests ({@code $filter=Ref_Key eq guid'...' or ...}), never one request per document.
     */
    private final class Lookups {
        private final String authorization;
        private final Map<String, Buyer> buyers = new HashMap<>();
        private final Map<String, OneCDocumentMapper.CatalogEntry> entries = new HashMap<>();
        private final Map<String, OneCDocumentMapper.Item> items = new HashMap<>();
        int requests;

        Lookups(String authorization) {
            this.authorization = authorization;
        }

        void prefetch(OneCDocumentMapper.References references) throws SourceException, InterruptedException {
            List<String> buyersToFetch = references.counterparties().stream().filter(k -> !buyers.containsKey(k)).toList();
            for (JsonNode entity : fetchAll(settings.counterpartySet(), buyersToFetch)) {
                try {
                    Buyer buyer = mapper.buyer(entity);
                    buyers.put(buyer.sourceKey(), buyer);
                } catch (OneCDocumentMapper.MalformedException e) {
                    throw lookupMalformed(settings.counterpartySet(), e.getMessage(), entity);
                }
            }
            // a counterparty 1C no longer has: the receipt is still a sale, known only by the key
            buyersToFetch.forEach(k -> buyers.putIfAbsent(k, new Buyer(null, null, null, k, null, null)));
            if (!settings.resolveItems()) {
                return;
            }
            List<String> itemsToFetch = references.items().stream().filter(k -> !entries.containsKey(k)).toList();
            catalog(itemsToFetch);
            List<String> groups = itemsToFetch.stream().map(entries::get)
                    .filter(e -> e != null && e.groupKey() != null && !entries.containsKey(e.groupKey()))
                    .map(OneCDocumentMapper.CatalogEntry::groupKey).distinct().toList();
            catalog(groups);
            for (String key : itemsToFetch) {
                OneCDocumentMapper.CatalogEntry entry = entries.get(key);
                if (entry != null && entry.name() != null) {
                    OneCDocumentMapper.CatalogEntry group = entry.groupKey() == null ? null : entries.get(entry.groupKey());
                    items.put(key, new OneCDocumentMapper.Item(entry.name(), group == null ? null : group.name()));
                }
            }
        }

        private void catalog(List<String> keys) throws SourceException, InterruptedException {
            for (JsonNode entity : fetchAll(settings.itemSet(), keys)) {
                try {
                    OneCDocumentMapper.CatalogEntry entry = mapper.catalogEntry(entity);
                    entries.put(entry.key(), entry);
                } catch (OneCDocumentMapper.MalformedException e) {
                    throw lookupMalformed(settings.itemSet(), e.getMessage(), entity);
                }
            }
        }

        Buyer buyer(String key) {
            Buyer buyer = buyers.get(key);
            return buyer == null ? new Buyer(null, null, null, key, null, null) : buyer;
        }

        OneCDocumentMapper.Item item(String key) {
            return items.get(key);
        }

        private List<JsonNode> fetchAll(String set, List<String> keys) throws SourceException, InterruptedException {
            List<JsonNode> found = new ArrayList<>();
            for (int i = 0; i < keys.size(); i += settings.lookupBatch()) {
                List<String> batch = keys.subList(i, Math.min(keys.size(), i + settings.lookupBatch()));
                String filter = batch.stream().map(k -> settings.fields().key() + " eq guid'" + k + "'")
                        .collect(java.util.stream.Collectors.joining(" or "));
                URI uri = URI.create(odataRoot() + encode(set) + "?$format=json&$filter=" + encode(filter));
                requests++;
                SourceHttp.Response response = http.get(uri, Map.of("Authorization", authorization, "Accept", "application/json"),
                        set, 0, OneCSource.this::credentialHint);
                RawResponse raw = new RawResponse(set, 0, SourceHttp.readable(uri), response.status(), response.body());
                JsonNode value;
                try {
                    value = JSON.readTree(response.body()).get("value");
                } catch (JsonProcessingException e) {
                    throw new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ 1C: " + set + ": ответ не JSON", raw, e);
                }
                if (value == null || !value.isArray()) {
                    throw new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ 1C: " + set
                            + ": в ответе нет массива \"value\"", raw);
                }
                value.forEach(found::add);
            }
            return found;
        }

        private SourceException lookupMalformed(String set, String reason, JsonNode entity) {
            return new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ 1C: " + set + ": " + reason,
                    new RawResponse(set, 0, null, 200, entity.toString()));
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
