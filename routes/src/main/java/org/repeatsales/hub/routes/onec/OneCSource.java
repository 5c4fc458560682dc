package org.repeatsales.hub.routes.onec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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
 * fetched before the page that first names them, in batched catalog requests sent a few at a
 * time, and remembered for the rest of the poll (up to a bound).
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
        return recordedPoll(store, trigger, settings.entitySet() + " с " + from, "from " + from,
                run -> pages(run, from, watermark));
    }

    /** A page read and parsed, its documents not mapped yet; {@code raw} is built only when the page is refused. */
    private record Parsed(int page, JsonNode root, URI uri, SourceHttp.Response response) {

        RawResponse raw(String entity) {
            return new RawResponse(entity, page, SourceHttp.readable(uri), response.status(), response.body());
        }
    }

    /** A page read and parsed with the counterparties and items it names, ready to map. */
    private record Looked(Parsed parsed, PageCatalog catalog) {
    }

    /**
     * A page read, parsed and mapped, ready to store: its receipts and the DataVersions to remember,
     * not the parsed JSON, so that a whole store batch of pages can wait for the store.
     */
    private record Fetched(int page, List<SourceStore.DocumentVersion> versions, OneCDocumentMapper.Page mapped,
                           List<String> contentHashes) {
    }

    /** What one stage of a poll hands to the next: a page, or the end of the pages ({@code page} null), or why it stopped. */
    private record Handoff<T>(T page, Throwable failure) {

        static <T> Handoff<T> of(T page) {
            return new Handoff<>(page, null);
        }

        static <T> Handoff<T> end(Throwable failure) {
            return new Handoff<>(null, failure);
        }
    }

    /** Where one poll's time went, for the debug log; each stage writes only its own fields. */
    private static final class StageTimes {
        long readNanos;
        long lookupNanos;
        long mapNanos;
        long storeNanos;
        long waitNanos;

        @Override
        public String toString() {
            return "read and parse " + readNanos / 1_000_000 + " ms, catalogs " + lookupNanos / 1_000_000 + " ms, map "
                    + mapNanos / 1_000_000 + " ms (one thread each); store " + storeNanos / 1_000_000 + " ms, waited for pages "
                    + waitNanos / 1_000_000 + " ms (poll thread)";
        }
    }

    /**
     * A poll is a pipeline of four threads, as the file import overlaps reading with writing:
     * the read thread requests document pages one after the other (the next as soon as the last
     * answered, so paging by {@code $skip} sees the base as a sequential reader does) and parses
     * them; the lookup thread fetches the counterparties and items a page names (it mostly waits
     * on 1C, so it runs apart from the mapping: the next page's lookups overlap this page's
     * mapping); the map thread maps the page; the poll thread stores whole pages in page order, so
     * the watermark moves with the pages stored. The hand-overs hold one page each, which bounds
     * the heap to a few pages whatever the base's size.
     */
    private String pages(SourceStore.PollRun run, LocalDateTime from, String watermark)
            throws SourceException, InterruptedException {
        String authorization = authorization();
        versions.clear();
        if (settings.skipUnchangedVersions()) {
            versions.putAll(store.documentVersions(id(), from)); // older ones are never asked for again
        }
        LocalDateTime reached = watermark == null ? null : LocalDateTime.parse(watermark);
        int documents = 0;
        int deleted = 0;
        int unposted = 0;
        int unchanged = 0;
        int page = 0;
        StageTimes times = new StageTimes();
        BlockingQueue<Handoff<Parsed>> read = new ArrayBlockingQueue<>(1);
        BlockingQueue<Handoff<Looked>> looked = new ArrayBlockingQueue<>(1);
        // the next store batch gathers while the store writes the last one: the reading side stops only
        // when a whole batch of mapped pages is waiting
        BlockingQueue<Handoff<Fetched>> mapped = new ArrayBlockingQueue<>(Math.max(1, settings.storeBatch() / settings.pageSize()));
        List<String> stageNames = List.of("-read", "-lookup", "-map");
        AtomicInteger threads = new AtomicInteger();
        ExecutorService stages = Executors.newFixedThreadPool(stageNames.size(), r -> {
            Thread t = new Thread(r, "source-" + id() + stageNames.get(threads.getAndIncrement() % stageNames.size()));
            t.setDaemon(true);
            return t;
        });
        AtomicInteger catalogThreads = new AtomicInteger();
        ExecutorService catalogRequests = Executors.newFixedThreadPool(settings.lookupConcurrency(), r -> {
            Thread t = new Thread(r, "source-" + id() + "-catalog-" + catalogThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Lookups lookups = new Lookups(authorization, catalogRequests);
        stages.execute(() -> readPages(from, authorization, read, times));
        stages.execute(() -> stage(read, looked, parsed -> lookUp(lookups, parsed, times)));
        stages.execute(() -> stage(looked, mapped, withCatalog -> map(withCatalog, times)));
        Pending pending = new Pending();
        try {
            while (true) {
                Handoff<Fetched> next = mapped.poll();
                if (next == null && pending.pages > 0) {
                    // nothing more is ready: store what is in hand rather than wait for a full batch; while
                    // the store is the slower side, pages pile up meanwhile and batches grow to store-batch
                    long stored = System.nanoTime();
                    pending.flush(run);
                    times.storeNanos += System.nanoTime() - stored;
                }
                if (next == null) {
                    long waited = System.nanoTime();
                    try {
                        next = mapped.take();
                    } catch (InterruptedException e) {
                        // what was read before the hub stopped is stored, with the watermark it reached
                        pending.flush(run);
                        throw e;
                    }
                    times.waitNanos += System.nanoTime() - waited;
                }
                if (next.page() == null) {
                    long stored = System.nanoTime();
                    pending.flush(run); // also before a failure: what was read before it is stored
                    times.storeNanos += System.nanoTime() - stored;
                    if (next.failure() != null) {
                        throw rethrown(next.failure());
                    }
                    break;
                }
                Fetched current = next.page();
                page = current.page();
                OneCDocumentMapper.Page mappedPage = current.mapped();
                if (mappedPage.latest() != null && (reached == null || mappedPage.latest().isAfter(reached))) {
                    reached = mappedPage.latest();
                }
                pending.add(current, reached);
                if (pending.documents >= settings.storeBatch()) {
                    long stored = System.nanoTime();
                    pending.flush(run);
                    times.storeNanos += System.nanoTime() - stored;
                }
                documents += mappedPage.documents();
                deleted += mappedPage.deleted();
                unposted += mappedPage.unposted();
                unchanged += mappedPage.unchanged();
            }
        } finally {
            stages.shutdownNow();
            catalogRequests.shutdownNow();
        }
        log.debug("Source {} poll time: {}; {} catalog requests; {} store transactions", id(), times, lookups.requests.get(),
                pending.transactions);
        return "Документов " + documents + " на " + page + " стр.: сохранено " + run.rowsStored()
                + ", помечено на удаление " + deleted + ", не проведено " + unposted
                + (settings.skipUnchangedVersions() ? ", без изменений по DataVersion " + unchanged : "")
                + "; запросов к справочникам " + lookups.requests.get()
                + "; водяной знак " + (reached == null ? "—" : reached);
    }

    /**
     * Pages read but not stored yet: up to {@link OneCSettings#storeBatch()} documents go into one
     * transaction with the watermark the last of them reached, so the per-transaction costs of the
     * store (ingest lock, classification, identity lookups) are paid once per batch, not per page.
     */
    private final class Pending {
        private final List<ReceiptRecord> receipts = new ArrayList<>();
        private final List<String> hashes = new ArrayList<>();
        private final List<String> removed = new ArrayList<>();
        private final List<SourceStore.DocumentVersion> stamps = new ArrayList<>();
        private LocalDateTime reached;
        private int pages;
        int documents;
        int transactions;

        void add(Fetched page, LocalDateTime reachedSoFar) {
            receipts.addAll(page.mapped().receipts());
            hashes.addAll(page.contentHashes());
            removed.addAll(page.mapped().removedKeys());
            if (settings.skipUnchangedVersions()) {
                stamps.addAll(page.versions());
            }
            documents += page.mapped().documents();
            pages++;
            reached = reachedSoFar;
        }

        void flush(SourceStore.PollRun run) {
            if (pages == 0) {
                return;
            }
            run.storePage(receipts, hashes, removed, reached == null ? null : reached.toString(),
                    reached == null ? null : reached.atZone(settings.zone()).toInstant(), stamps);
            transactions++;
            stamps.forEach(v -> versions.put(v.key(), v)); // committed: a second read in this poll is unchanged
            receipts.clear();
            hashes.clear();
            removed.clear();
            stamps.clear();
            documents = 0;
            pages = 0;
        }
    }

    /**
     * The read thread: document pages in order until one comes back short. Requests are strictly
     * one after the other, never two pages at once: with {@code $skip} paging a page read before
     * the one before it answered could miss a document that arrives in between.
     */
    private void readPages(LocalDateTime from, String authorization, BlockingQueue<Handoff<Parsed>> out, StageTimes times) {
        try {
            for (int page = 1; ; page++) {
                long started = System.nanoTime();
                Parsed parsed = read(from, (page - 1) * settings.pageSize(), page, authorization);
                times.readNanos += System.nanoTime() - started;
                out.put(Handoff.of(parsed));
                JsonNode value = parsed.root().get("value");
                if (value == null || !value.isArray() || value.size() < settings.pageSize()) {
                    out.put(Handoff.end(null)); // a page without "value" is refused by the map thread
                    return;
                }
            }
        } catch (InterruptedException e) {
            // the poll stopped and waits for nothing more
        } catch (Throwable e) {
            handOver(out, Handoff.end(e));
        }
    }

    /** What a middle stage of the pipeline does to each page. */
    private interface StageWork<I, O> {
        O apply(I page) throws Exception;
    }

    /** A middle stage: takes pages until the end or a failure, which it hands on; its own failure ends the poll. */
    private static <I, O> void stage(BlockingQueue<Handoff<I>> in, BlockingQueue<Handoff<O>> out, StageWork<I, O> work) {
        try {
            while (true) {
                Handoff<I> next = in.take();
                if (next.page() == null) {
                    out.put(Handoff.end(next.failure()));
                    return;
                }
                out.put(Handoff.of(work.apply(next.page())));
            }
        } catch (InterruptedException e) {
            // the poll stopped and waits for nothing more
        } catch (Throwable e) {
            handOver(out, Handoff.end(e));
        }
    }

    /** The lookup thread's work: the counterparties and items a page names, in batched catalog requests. */
    private Looked lookUp(Lookups lookups, Parsed page, StageTimes times) throws SourceException, InterruptedException {
        long started = System.nanoTime();
        PageCatalog catalog = lookups.prefetch(mapper.references(page.root()));
        times.lookupNanos += System.nanoTime() - started;
        return new Looked(page, catalog);
    }

    /** The map thread's work: a page mapped with the catalog entries looked up for it. */
    private Fetched map(Looked looked, StageTimes times) throws SourceException {
        Parsed page = looked.parsed();
        long started = System.nanoTime();
        OneCDocumentMapper.Page result;
        try {
            result = mapper.map(page.root(), looked.catalog()::buyer, looked.catalog()::item, this::storedInThisVersion);
        } catch (OneCDocumentMapper.MalformedException e) {
            throw malformed(page.page(), e.getMessage(), page.raw(settings.entitySet()), e);
        }
        times.mapNanos += System.nanoTime() - started;
        // digested here, off the store's thread, which the whole poll waits for
        List<String> hashes = result.receipts().stream().map(ReceiptRecord::contentHash).toList();
        return new Fetched(page.page(), settings.skipUnchangedVersions() ? versionsOf(page.root()) : List.of(), result, hashes);
    }

    /** Hands a stage's failure on; if the poll stopped meanwhile, nobody waits for it. */
    private static <T> void handOver(BlockingQueue<Handoff<T>> out, Handoff<T> failure) {
        try {
            out.put(failure);
        } catch (InterruptedException ignored) {
            // the poll stopped
        }
    }

    /** Reads and parses one page of documents. */
    private Parsed read(LocalDateTime from, int skip, int page, String authorization) throws SourceException, InterruptedException {
        URI uri = documentsUri(from, skip);
        SourceHttp.Response response = http.get(uri, Map.of("Authorization", authorization, "Accept", "application/json"),
                settings.entitySet(), page, this::credentialHint);
        try {
            return new Parsed(page, JSON.readTree(response.content()), uri, response);
        } catch (IOException e) {
            Parsed unread = new Parsed(page, null, uri, response);
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw malformed(page, "ответ не JSON (" + reason + ")", unread.raw(settings.entitySet()), e);
        }
    }

    /** A stage's failure as the poll thread throws it. */
    private static SourceException rethrown(Throwable failure) throws InterruptedException {
        if (failure instanceof SourceException e) {
            return e;
        }
        if (failure instanceof InterruptedException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(failure);
    }

    /**
     * Versions of the documents this source stored, by key, as of this poll; used only with
     * {@link OneCSettings#skipUnchangedVersions()}. Loaded from the store when a poll starts (for
     * the documents its overlap window can bring back) and recorded in the store in the
     * transaction that stores each document, so a restart skips what the last process stored.
     * Written by the poll's thread after each batch is stored, read by its map thread.
     */
    private final Map<String, SourceStore.DocumentVersion> versions = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean storedInThisVersion(JsonNode doc) {
        if (!settings.skipUnchangedVersions()) {
            return false;
        }
        String key = mapper.keyOf(doc);
        String version = mapper.dataVersion(doc);
        SourceStore.DocumentVersion stored = key == null ? null : versions.get(key);
        return version != null && stored != null && version.equals(stored.version());
    }

    /** The versions of a page's documents, to record with the page. */
    private List<SourceStore.DocumentVersion> versionsOf(JsonNode root) {
        List<SourceStore.DocumentVersion> found = new ArrayList<>();
        for (JsonNode doc : root.get("value")) {
            String key = mapper.keyOf(doc);
            String version = mapper.dataVersion(doc);
            String date = doc.path(settings.fields().date()).asText("");
            if (key != null && version != null && date.length() >= 19) {
                found.add(new SourceStore.DocumentVersion(key, version, OneCDocumentMapper.dateTime(date.substring(0, 19))));
            }
        }
        return found;
    }

    private SourceException malformed(int page, String reason, RawResponse raw, Exception cause) {
        return new SourceException(SourceException.Kind.MALFORMED,
                "Неожиданный ответ 1C: " + settings.entitySet() + ", страница " + page + ": " + reason, raw, cause);
    }

    /**
     * Counterparties and goods items of one poll, fetched before each page is mapped in batched
     * requests ({@code $filter=Ref_Key eq guid'...' or ...}), never one request per document. A
     * page's batches (counterparties and items together, then the items' groups) go out up to
     * {@link OneCSettings#lookupConcurrency()} at a time on the poll's catalog threads. What was
     * fetched is remembered for the rest of the poll in a {@link CatalogMemory} per catalog (at most
     * {@link CatalogMemory#ENTRIES_PER_CATALOG} entries; the least recently used are forgotten first
     * and asked for again if a later page names them).
     * Used by the poll's lookup thread only; the catalog request threads only request and parse.
     */
    private final class Lookups {
        private final String authorization;
        private final ExecutorService requestsPool;
        private final CatalogMemory<Buyer> buyers = new CatalogMemory<>();
        /** Items and groups; {@code Optional.empty()} for a key 1C did not return, so it is not asked for again. */
        private final CatalogMemory<Optional<OneCDocumentMapper.CatalogEntry>> entries = new CatalogMemory<>();
        final AtomicInteger requests = new AtomicInteger();

        Lookups(String authorization, ExecutorService requestsPool) {
            this.authorization = authorization;
            this.requestsPool = requestsPool;
        }

        /** The counterparties and items one page names, from what this poll remembers or fetched now. */
        PageCatalog prefetch(OneCDocumentMapper.References references) throws SourceException, InterruptedException {
            Map<String, Buyer> pageBuyers = new HashMap<>();
            List<String> buyersToFetch = new ArrayList<>();
            for (String key : references.counterparties()) {
                Buyer known = buyers.get(key);
                if (known == null) {
                    buyersToFetch.add(key);
                } else {
                    pageBuyers.put(key, known);
                }
            }
            Map<String, Optional<OneCDocumentMapper.CatalogEntry>> pageEntries = new HashMap<>();
            List<String> itemsToFetch = new ArrayList<>();
            if (settings.resolveItems()) {
                known(references.items(), pageEntries, itemsToFetch);
            }
            List<Future<List<JsonNode>>> counterparties = submit(settings.counterpartySet(), buyersToFetch);
            List<Future<List<JsonNode>>> items = submit(settings.itemSet(), itemsToFetch);
            for (JsonNode entity : collect(counterparties)) {
                try {
                    Buyer buyer = mapper.buyer(entity);
                    pageBuyers.put(buyer.sourceKey(), buyer);
                } catch (OneCDocumentMapper.MalformedException e) {
                    throw lookupMalformed(settings.counterpartySet(), e.getMessage(), entity);
                }
            }
            for (String key : buyersToFetch) {
                // a counterparty 1C no longer has: the receipt is still a sale, known only by the key
                buyers.put(key, pageBuyers.computeIfAbsent(key, k -> new Buyer(null, null, null, k, null, null)));
            }
            if (!settings.resolveItems()) {
                return new PageCatalog(pageBuyers, Map.of());
            }
            catalog(collect(items), itemsToFetch, pageEntries);
            List<String> groupsToFetch = new ArrayList<>();
            known(references.items().stream().map(pageEntries::get).filter(e -> e != null && e.isPresent())
                    .map(e -> e.get().groupKey()).filter(g -> g != null && !pageEntries.containsKey(g))
                    .distinct().toList(), pageEntries, groupsToFetch);
            catalog(collect(submit(settings.itemSet(), groupsToFetch)), groupsToFetch, pageEntries);
            Map<String, OneCDocumentMapper.Item> pageItems = new HashMap<>();
            for (String key : references.items()) {
                OneCDocumentMapper.CatalogEntry entry = pageEntries.getOrDefault(key, Optional.empty()).orElse(null);
                if (entry != null && entry.name() != null) {
                    OneCDocumentMapper.CatalogEntry group = entry.groupKey() == null ? null
                            : pageEntries.getOrDefault(entry.groupKey(), Optional.empty()).orElse(null);
                    pageItems.put(key, new OneCDocumentMapper.Item(entry.name(), group == null ? null : group.name()));
                }
            }
            return new PageCatalog(pageBuyers, pageItems);
        }

        /** Copies the remembered entries of {@code keys} into the page's, lists the others in {@code toFetch}. */
        private void known(java.util.Collection<String> keys, Map<String, Optional<OneCDocumentMapper.CatalogEntry>> page,
                           List<String> toFetch) {
            for (String key : keys) {
                Optional<OneCDocumentMapper.CatalogEntry> known = entries.get(key);
                if (known == null) {
                    toFetch.add(key);
                } else {
                    page.put(key, known);
                }
            }
        }

        private void catalog(List<JsonNode> found, List<String> asked,
                             Map<String, Optional<OneCDocumentMapper.CatalogEntry>> page) throws SourceException {
            for (JsonNode entity : found) {
                try {
                    OneCDocumentMapper.CatalogEntry entry = mapper.catalogEntry(entity);
                    page.put(entry.key(), Optional.of(entry));
                } catch (OneCDocumentMapper.MalformedException e) {
                    throw lookupMalformed(settings.itemSet(), e.getMessage(), entity);
                }
            }
            for (String key : asked) {
                entries.put(key, page.computeIfAbsent(key, k -> Optional.empty()));
            }
        }

        /** Sends the batched requests for {@code keys} to the catalog threads. */
        private List<Future<List<JsonNode>>> submit(String set, List<String> keys) {
            List<Future<List<JsonNode>>> batches = new ArrayList<>();
            for (int i = 0; i < keys.size(); i += settings.lookupBatch()) {
                List<String> batch = List.copyOf(keys.subList(i, Math.min(keys.size(), i + settings.lookupBatch())));
                requests.incrementAndGet();
                batches.add(requestsPool.submit(() -> fetch(set, batch)));
            }
            return batches;
        }

        /** The batches' entities in request order; the first failure cancels the rest and is thrown. */
        private List<JsonNode> collect(List<Future<List<JsonNode>>> batches) throws SourceException, InterruptedException {
            List<JsonNode> found = new ArrayList<>();
            try {
                for (Future<List<JsonNode>> batch : batches) {
                    found.addAll(batch.get());
                }
            } catch (ExecutionException e) {
                batches.forEach(b -> b.cancel(true));
                throw rethrown(e.getCause());
            } catch (InterruptedException e) {
                batches.forEach(b -> b.cancel(true));
                throw e;
            }
            return found;
        }

        private List<JsonNode> fetch(String set, List<String> batch) throws SourceException, InterruptedException {
            String filter = batch.stream().map(k -> settings.fields().key() + " eq guid'" + k + "'")
                    .collect(java.util.stream.Collectors.joining(" or "));
            URI uri = URI.create(odataRoot() + encode(set) + "?$format=json&$filter=" + encode(filter));
            SourceHttp.Response response = http.get(uri, Map.of("Authorization", authorization, "Accept", "application/json"),
                    set, 0, OneCSource.this::credentialHint);
            JsonNode value;
            try {
                value = JSON.readTree(response.content()).get("value");
            } catch (IOException e) {
                throw new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ 1C: " + set + ": ответ не JSON",
                        raw(set, uri, response), e);
            }
            if (value == null || !value.isArray()) {
                throw new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ 1C: " + set
                        + ": в ответе нет массива \"value\"", raw(set, uri, response));
            }
            List<JsonNode> found = new ArrayList<>(value.size());
            value.forEach(found::add);
            return found;
        }

        private static RawResponse raw(String set, URI uri, SourceHttp.Response response) {
            return new RawResponse(set, 0, SourceHttp.readable(uri), response.status(), response.body());
        }

        private SourceException lookupMalformed(String set, String reason, JsonNode entity) {
            return new SourceException(SourceException.Kind.MALFORMED, "Неожиданный ответ 1C: " + set + ": " + reason,
                    new RawResponse(set, 0, null, 200, entity.toString()));
        }
    }

    /** The counterparties and named items of one page, held until the page is mapped whatever the poll forgets meanwhile. */
    private record PageCatalog(Map<String, Buyer> buyers, Map<String, OneCDocumentMapper.Item> items) {

        Buyer buyer(String key) {
            Buyer buyer = buyers.get(key);
            return buyer == null ? new Buyer(null, null, null, key, null, null) : buyer;
        }

        OneCDocumentMapper.Item item(String key) {
            return items.get(key);
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
