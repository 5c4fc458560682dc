package org.repeatsales.hub.segment;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_STATS;
import static org.repeatsales.hub.store.jooq.Tables.SEGMENT_REFRESH;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.repeatsales.hub.api.segment.Cell;
import org.repeatsales.hub.api.segment.Parameters;
import org.repeatsales.hub.api.segment.SegmentationContext;
import org.repeatsales.hub.config.HubProperties;
import org.repeatsales.hub.imports.IngestLock;
import org.repeatsales.hub.ops.HubMetrics;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Refreshes a segment: runs its strategy over a streamed read of the clients and replaces the
 * membership in one transaction, recording every client who entered, moved or left. Either all of
 * it commits, or (when the strategy throws, or anything else fails) nothing changes and a failed
 * refresh is recorded with the reason.
 *
 * <p>A strategy that scores each client on their own ({@code perClient}) is refreshed
 * incrementally when it was refreshed before: only the clients whose statistics changed since, whose
 * window lost a receipt, or whose days since the last purchase crossed one of the strategy's
 * boundaries are read again; everyone else keeps their cell, which a full refresh would have given
 * them anyway. That is what keeps the refresh after a day's import in seconds on a large base.
 */
@Service
public class SegmentRefresher {

    private static final Logger log = LoggerFactory.getLogger(SegmentRefresher.class);
    private static final int FETCH_SIZE = 5_000;
    private static final int BATCH_SIZE = 5_000;
    private static final String WORK_MEM = "64MB";
    private static final String RANDOM_PAGE_COST = "1.1";
    private static final long ANALYZE_AFTER = 10_000;

    private final DataSource dataSource;
    private final DSLContext db;
    private final SegmentService segments;
    private final PluginRegistry plugins;
    private final HubProperties hub;
    private final Clock clock = Clock.systemUTC();
    private static final String CANDIDATES = "segment_candidates";
    /** The changes a refresh computed, kept from its read to its write. */
    private static final String DIFF = "segment_diff";

    /** How a refresh reads the base. */
    public enum Mode {
        /** Incremental when the strategy and the history allow it, else full: what the hub does by itself. */
        AUTO,
        /** Every client, whatever the strategy. */
        FULL,
        /** Only the clients whose cell may have changed; refused when the strategy or history does not allow it. */
        INCREMENTAL
    }

    /** One refresh per segment at a time; different segments refresh in parallel. */
    private final ConcurrentHashMap<Long, ReentrantLock> locks = new ConcurrentHashMap<>();

    private final HubMetrics metrics;

    /**
     * Changes reaching this many clients (and more than half of the members) are written by
     * building the segment's partition anew; package-visible so that tests can take either path
     * on a small base.
     */
    volatile long bulkFrom;

    SegmentRefresher(DataSource dataSource, DSLContext db, SegmentService segments, PluginRegistry plugins, HubProperties hub,
                     HubMetrics metrics) {
        this.metrics = metrics;
        this.dataSource = dataSource;
        this.db = db;
        this.segments = segments;
        this.plugins = plugins;
        this.hub = hub;
        this.bulkFrom = hub.segments().bulkFrom();
    }

    /**
     * @param asOf the moment to compute for; now when null
     * @return the succeeded refresh
     * @throws RefreshFailedException with the recorded failed refresh
     */
    public SegmentViews.Refresh refresh(long segmentId, Instant asOf) {
        return refresh(segmentId, asOf, Mode.AUTO);
    }

    /**
     * @param asOf the moment to compute for; now when null
     * @return the succeeded refresh
     * @throws RefreshFailedException with the recorded failed refresh
     */
    public SegmentViews.Refresh refresh(long segmentId, Instant asOf, Mode mode) {
        Outcome outcome = cycle(List.of(segments.get(segmentId)), asOf, mode).get(0);
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.refresh();
    }

    /** How the refresh of one segment of a cycle ended: its succeeded refresh, or its recorded failure. */
    public record Outcome(long segmentId, SegmentViews.Refresh refresh, RefreshFailedException failure) {
    }

    /**
     * Refreshes the segments as of one moment from one snapshot of the store: their strategies read in
     * one transaction, sharing the window sums (summed once per window start), then each segment's
     * membership is written in a transaction of its own. A segment whose strategy or write fails is
     * recorded as failed, and the others still refresh. Segments that no longer exist are skipped.
     *
     * @param asOf the moment to compute for; now when null
     * @return an outcome per refreshed segment, in id order
     */
    public List<Outcome> refreshAll(List<Long> segmentIds, Instant asOf) {
        List<SegmentViews.Segment> due = new ArrayList<>();
        for (long id : new TreeSet<>(segmentIds)) {
            try {
                due.add(segments.get(id));
            } catch (NoSuchElementException e) {
                log.debug("Segment {} was deleted before its refresh", id);
            }
        }
        return cycle(due, asOf, Mode.AUTO);
    }

    private List<Outcome> cycle(List<SegmentViews.Segment> due, Instant asOf, Mode mode) {
        Instant at = asOf == null ? clock.instant() : asOf;
        List<SegmentViews.Segment> ordered = due.stream().sorted(Comparator.comparingLong(SegmentViews.Segment::id)).toList();
        // in id order, so that two cycles never wait for each other's locks
        Map<Long, ReentrantLock> held = new LinkedHashMap<>();
        try {
            for (SegmentViews.Segment segment : ordered) {
                ReentrantLock lock = locks.computeIfAbsent(segment.id(), id -> new ReentrantLock());
                lock.lock();
                held.put(segment.id(), lock);
            }
            Map<Long, Result> results = run(ordered, at, mode, held);
            // recorded once the cycle's connection is back in the pool: a refresh holds one connection
            List<Outcome> outcomes = new ArrayList<>();
            RuntimeException unrecorded = null;
            for (SegmentViews.Segment segment : ordered) {
                Result r = results.get(segment.id());
                try {
                    outcomes.add(r.failure() == null ? succeeded(segment, r.refreshId(), r.nanos())
                            : failed(segment, at, r.started(), r.nanos(), r.failure()));
                } catch (RuntimeException e) {
                    log.error("Recording the refresh of segment {} failed", segment.id(), e);
                    unrecorded = unrecorded == null ? e : unrecorded;
                }
            }
            if (unrecorded != null) {
                throw unrecorded;
            }
            return outcomes;
        } finally {
            held.values().forEach(ReentrantLock::unlock);
        }
    }

    /** What became of one segment of a cycle: its succeeded refresh, or why it failed. */
    private record Result(long refreshId, long nanos, Exception failure, Instant started) {
    }

    private Map<Long, Result> run(List<SegmentViews.Segment> ordered, Instant asOf, Mode mode, Map<Long, ReentrantLock> held) {
        Map<Long, Result> results = new HashMap<>();
        Map<Long, Instant> started = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            long[] epoch = {-1};
            try {
                Map<Long, Read> reads = new LinkedHashMap<>();
                try (ClientSpool spool = new ClientSpool(hub.dataPath().resolve("tmp"))) {
                    epoch[0] = beginRead(c);
                    WindowSums windows = new WindowSums(c, hub.timezone());
                    sumPatternsOnce(ordered, asOf, windows);
                    for (SegmentViews.Segment segment : ordered) {
                        started.put(segment.id(), clock.instant());
                        long t0 = System.nanoTime();
                        Savepoint savepoint = c.setSavepoint();
                        int mark = windows.mark();
                        try {
                            reads.put(segment.id(), read(c, segment, asOf, mode, windows, spool, t0));
                            c.releaseSavepoint(savepoint);
                        } catch (RuntimeException | SQLException e) {
                            c.rollback(savepoint);
                            windows.forgetSince(mark);
                            results.put(segment.id(), new Result(0, System.nanoTime() - t0, e, started.get(segment.id())));
                        }
                    }
                    c.commit();
                } catch (RuntimeException | SQLException e) {
                    // the shared read itself broke (e.g. the connection): no segment read in it may be written
                    rollbackQuietly(c);
                    reads.clear();
                    for (SegmentViews.Segment segment : ordered) {
                        results.putIfAbsent(segment.id(), new Result(0, 0, e, started.getOrDefault(segment.id(), clock.instant())));
                    }
                }
                for (SegmentViews.Segment segment : ordered) {
                    Read read = reads.get(segment.id());
                    if (read == null) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    try {
                        long refreshId = write(c, segment.id(), asOf, read, epoch[0]);
                        long written = System.nanoTime() - t0;
                        log.debug("Segment {}: strategy {} ms, membership {} ms", segment.id(), read.nanos() / 1_000_000,
                                written / 1_000_000);
                        results.put(segment.id(), new Result(refreshId, read.nanos() + written, null, started.get(segment.id())));
                        // written and committed: a refresh of this segment alone need not wait for the rest of the cycle
                        held.remove(segment.id()).unlock();
                    } catch (RuntimeException | SQLException e) {
                        rollbackQuietly(c);
                        results.put(segment.id(), new Result(0, read.nanos() + System.nanoTime() - t0, e, started.get(segment.id())));
                    }
                }
            } finally {
                dropDiffs(c, ordered);
            }
        } catch (SQLException e) {
            for (SegmentViews.Segment segment : ordered) {
                results.putIfAbsent(segment.id(), new Result(0, 0, e, started.getOrDefault(segment.id(), clock.instant())));
            }
        }
        return results;
    }

    /**
     * Tells the window sums which windows a strategy of the cycle reads with the purchase pattern,
     * so that each window is summed once, with it. A segment whose strategy cannot be asked (its
     * plugin gone, its parameters invalid) is left to its own read, which records why.
     */
    private void sumPatternsOnce(List<SegmentViews.Segment> ordered, Instant asOf, WindowSums windows) {
        for (SegmentViews.Segment segment : ordered) {
            if (segment.strategy().equals(SegmentRules.STRATEGY)) {
                continue;
            }
            try {
                plugins.withStrategy(segment.strategy(), strategy -> {
                    Parameters parameters = Parameters.resolve(strategy.parameters(), segment.parameters());
                    int window = strategy.windowDays(parameters);
                    if (window > 0 && strategy.needsPurchasePattern(parameters)) {
                        windows.withPattern(asOf.minus(Duration.ofDays(window)));
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                log.debug("Segment {}: its strategy's window not known before its read: {}", segment.id(), e.getMessage());
            }
        }
    }

    /** Drops the tables the reads left for the writes: the connection goes back to the pool without them. */
    private static void dropDiffs(Connection c, List<SegmentViews.Segment> ordered) {
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            for (SegmentViews.Segment segment : ordered) {
                st.execute("drop table if exists " + diffOf(segment.id()));
            }
            st.execute("drop table if exists " + DIFF);
        } catch (SQLException e) {
            // a connection that broke took its temporary tables with it; the refreshes' own
            // failures, if any, are what the caller should see
            log.debug("Cleaning up after refreshing segments {}: {}", ordered.stream().map(SegmentViews.Segment::id).toList(),
                    e.getMessage());
        }
    }

    private Outcome succeeded(SegmentViews.Segment segment, long refreshId, long nanos) {
        SegmentViews.Refresh done = segments.refresh(refreshId);
        log.info("Segment {} refreshed ({}) with {}: {} clients read, {} members, {} entered, {} moved, {} left",
                segment.id(), done.mode(), segment.strategy(), done.clients(), done.members(), done.entered(),
                done.moved(), done.exited());
        metrics.segmentRefreshed(segment.strategy(), true, Duration.ofNanos(nanos));
        return new Outcome(segment.id(), done, null);
    }

    /** Records the failed refresh with its reason. */
    private Outcome failed(SegmentViews.Segment segment, Instant asOf, Instant started, long nanos, Exception e) {
        String message = "Strategy '" + segment.strategy() + "' failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
        log.warn("Refresh of segment {} failed: {}", segment.id(), message);
        metrics.segmentRefreshed(segment.strategy(), false, Duration.ofNanos(nanos));
        long failedId = db.insertInto(SEGMENT_REFRESH, SEGMENT_REFRESH.SEGMENT_ID, SEGMENT_REFRESH.STATUS, SEGMENT_REFRESH.MESSAGE,
                        SEGMENT_REFRESH.AS_OF, SEGMENT_REFRESH.STARTED_AT, SEGMENT_REFRESH.FINISHED_AT)
                .values(segment.id(), "failed", message, utc(asOf), utc(started), utc(clock.instant()))
                .returning(SEGMENT_REFRESH.ID).fetchOne().getId();
        return new Outcome(segment.id(), null, new RefreshFailedException(segments.refresh(failedId), e));
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("Rollback after a failed refresh: {}", e.getMessage());
        }
    }

    /** The name a segment's diff keeps from its read to its write, while the cycle reads the others. */
    private static String diffOf(long segmentId) {
        return DIFF + "_" + segmentId;
    }

    /**
     * One snapshot for every read of a cycle: each pass, each strategy and each diff see the same data.
     *
     * @return the client epoch (V20) of the snapshot: when the writes find it unchanged, no client
     *     was deleted since, and the diffs need no check against {@code client}
     */
    private static long beginRead(Connection c) throws SQLException {
        // taken with the ingest lock held, briefly: every deletion of clients advances the epoch
        // and commits under that lock, so none is half done while the snapshot is taken, and
        // every one the snapshot misses advances the epoch after it was read
        try (Statement st = c.createStatement()) {
            st.execute("select pg_advisory_lock(" + IngestLock.KEY + ")");
        }
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = c.createStatement()) {
                // the window sums, the diff and the sorts of a million clients stay in memory
                st.execute("set local work_mem = '" + WORK_MEM + "'");
                st.execute("drop table if exists " + DIFF);
            }
            return single(c, CLIENT_EPOCH);
        } finally {
            unlockIngest(c);
        }
    }

    /** Never leaves the session's lock on a pooled connection: imports would wait for it forever. */
    private static void unlockIngest(Connection c) throws SQLException {
        String unlock = "select pg_advisory_unlock(" + IngestLock.KEY + ")";
        try (Statement st = c.createStatement()) {
            st.execute(unlock);
        } catch (SQLException e) {
            // a failed statement aborted the transaction, which refuses every statement until rolled back
            c.rollback();
            try (Statement st = c.createStatement()) {
                st.execute(unlock);
            }
        }
    }

    private static final String CLIENT_EPOCH = "select last_value + is_called::int from client_identity_epoch";

    /**
     * What the read of a refresh leaves for its write: the changes in {@link #DIFF}, and these.
     *
     * @param startedAt when the read's snapshot was taken: the next incremental refresh looks for
     *     changes from there
     */
    private record Read(Previous previous, Timestamp startedAt, long clients, boolean incremental, long nanos) {
    }

    /**
     * The first of a refresh's two transactions: runs the strategy over one snapshot of the store
     * (every pass and the diff see the same data) and leaves the difference to the membership in
     * {@link #DIFF}, renamed to {@link #diffOf} for its write. It writes nothing lasting; the cycle
     * commits it after the last segment's read only to let the writes see what was committed meanwhile.
     */
    private Read read(Connection c, SegmentViews.Segment segment, Instant asOf, Mode mode, WindowSums windows, ClientSpool spool,
                      long t0)
            throws SQLException {
        Previous previous = previous(c, segment.id());
        Timestamp startedAt = transactionStart(c);
        try (Statement st = c.createStatement()) {
            st.execute("create temp table segment_raw (seq bigserial, client_id bigint not null, cell text not null) on commit drop");
        }
        if (segment.strategy().equals(SegmentRules.STRATEGY)) {
            if (mode == Mode.INCREMENTAL) {
                throw new IllegalArgumentException("rule segments are always refreshed in full (one SQL statement)");
            }
            // rules are set-based SQL: no client passes through the JVM
            org.jooq.Condition where = new SegmentRules(asOf, hub.timezone()).compile(SegmentRules.rule(segment.parameters()));
            org.jooq.impl.DSL.using(c, org.jooq.SQLDialect.POSTGRES)
                    .insertInto(org.jooq.impl.DSL.table("segment_raw"), org.jooq.impl.DSL.field("client_id", Long.class), org.jooq.impl.DSL.field("cell", String.class))
                    .select(org.jooq.impl.DSL.select(CLIENT.ID, org.jooq.impl.DSL.inline(SegmentRules.MATCH.code()))
                            .from(CLIENT).leftJoin(CLIENT_STATS).on(CLIENT_STATS.CLIENT_ID.eq(CLIENT.ID)).where(where))
                    .execute();
            // one row per client by construction
            diff(c, segment.id(), false, true);
            long clients = single(c, "select count(*) from client");
            keepDiff(c, segment.id());
            return new Read(previous, startedAt, clients, false, System.nanoTime() - t0);
        }
        boolean[] unique = new boolean[1];
        boolean incremental = plugins.withStrategy(segment.strategy(), strategy -> {
            Parameters parameters = Parameters.resolve(strategy.parameters(), segment.parameters());
            strategy.validate(parameters);
            String refusal = incrementalRefusal(strategy.perClient(parameters), previous, asOf);
            if (mode == Mode.INCREMENTAL && refusal != null) {
                throw new IllegalArgumentException("cannot refresh incrementally: " + refusal);
            }
            boolean partial = mode != Mode.FULL && refusal == null;
            Set<String> cells = strategy.cells(parameters).stream().map(Cell::code).collect(Collectors.toSet());
            int window = strategy.windowDays(parameters);
            Instant windowStart = window > 0 ? asOf.minus(Duration.ofDays(window)) : null;
            try {
                if (partial) {
                    collectCandidates(c, previous, asOf, window, strategy.recencyBoundaries(parameters));
                }
                StoreClientStream stream = new StoreClientStream(c, windowStart, hub.timezone(), FETCH_SIZE,
                        strategy.needsPurchasePattern(parameters), partial ? CANDIDATES : null, windows, spool);
                try {
                    BatchedAssignments sink = new BatchedAssignments(c, strategy.id(), cells, stream.given(), BATCH_SIZE);
                    strategy.segment(new SegmentationContext(asOf, hub.timezone(), parameters, windowStart), stream, sink);
                    sink.flush();
                    unique[0] = sink.ascending();
                } finally {
                    stream.closeAll();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Writing assignments failed: " + e.getMessage(), e);
            }
            return partial;
        });
        diff(c, segment.id(), incremental, unique[0]);
        long clients = single(c, incremental ? "select count(*) from " + CANDIDATES : "select count(*) from client");
        keepDiff(c, segment.id());
        return new Read(previous, startedAt, clients, incremental, System.nanoTime() - t0);
    }

    /**
     * Keeps the segment's diff under its own name for its write and drops the rest of its read, so
     * that the next segment of the cycle reads into the same names.
     */
    private static void keepDiff(Connection c, long segmentId) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("drop table if exists segment_raw, segment_new, " + CANDIDATES + ", segment_window");
            st.execute("drop table if exists " + diffOf(segmentId));
            st.execute("alter table " + DIFF + " rename to " + diffOf(segmentId));
        }
    }

    /** The segment's latest succeeded refresh: what an incremental one builds on. */
    private record Previous(long id, Instant asOf, Instant startedAt) {
    }

    private static Previous previous(Connection c, long segmentId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                select id, as_of, started_at from segment_refresh
                where segment_id = ? and status = 'succeeded' order by id desc limit 1
                """)) {
            st.setLong(1, segmentId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Previous(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()) : null;
            }
        }
    }

    /** Why this refresh must read every client, or null when reading the changed ones is enough. */
    private static String incrementalRefusal(boolean perClient, Previous previous, Instant asOf) {
        if (!perClient) {
            return "the strategy with these parameters places clients relative to each other";
        }
        if (previous == null) {
            return "the segment has no earlier successful refresh";
        }
        if (asOf.isBefore(previous.asOf())) {
            return "it computes for " + asOf + ", before the previous refresh (" + previous.asOf() + ")";
        }
        return null;
    }

    /**
     * Fills the candidates table with every client whose cell may differ from the previous refresh:
     * statistics written since (less {@code hub.segments.change-margin}), clients created since, clients whose
     * window lost a receipt, and clients whose days since the last purchase crossed a boundary.
     * More than necessary is harmless (they get the cell they have); fewer would be wrong.
     */
    private void collectCandidates(Connection c, Previous previous, Instant asOf, int windowDays, List<Integer> boundaries)
            throws SQLException {
        List<Object> args = new ArrayList<>();
        Timestamp since = Timestamp.from(previous.startedAt().minus(hub.segments().changeMargin()));
        // client_stats is read once, whatever the number of boundaries
        StringBuilder stats = new StringBuilder("updated_at >= ?");
        args.add(since);
        LocalDate previousDay = previous.asOf().atZone(hub.timezone()).toLocalDate();
        LocalDate today = asOf.atZone(hub.timezone()).toLocalDate();
        for (int days : boundaries) {
            // the days since the last purchase (L) grow from previousDay - L to today - L; they pass the
            // boundary, read as "at most b" or as "under b", only if previousDay - L <= b <= today - L,
            // i.e. L from previousDay - b to today - b: two dates after a day (a day more each side made
            // it four, and at b = 30 each date holds many clients). Those dates as a range of instants
            // in the business's zone spare converting every client's last purchase into the zone.
            stats.append(" or last_purchase_at >= ? and last_purchase_at < ?");
            args.add(Timestamp.from(previousDay.minusDays(days).atStartOfDay(hub.timezone()).toInstant()));
            args.add(Timestamp.from(today.minusDays(days - 1L).atStartOfDay(hub.timezone()).toInstant()));
        }
        StringBuilder sql = new StringBuilder("insert into " + CANDIDATES + " (client_id)\n")
                .append("select client_id from client_stats where ").append(stats).append('\n')
                .append("union select id from client where created_at >= ? or updated_at >= ?\n");
        args.add(since);
        args.add(since);
        if (windowDays > 0) {
            sql.append("union select client_id from receipt where client_id is not null and purchased_at >= ? and purchased_at < ?\n");
            args.add(Timestamp.from(previous.asOf().minus(Duration.ofDays(windowDays))));
            args.add(Timestamp.from(asOf.minus(Duration.ofDays(windowDays))));
        }
        try (Statement st = c.createStatement()) {
            st.execute("create temp table " + CANDIDATES + " (client_id bigint primary key) on commit drop");
        }
        update(c, sql.toString(), args.toArray());
        try (Statement st = c.createStatement()) {
            st.execute("analyze " + CANDIDATES);
        }
    }

    private static long insertRunning(Connection c, long segmentId, Instant asOf, Timestamp startedAt) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "insert into segment_refresh (segment_id, status, as_of, started_at) values (?, 'running', ?, ?) returning id")) {
            st.setLong(1, segmentId);
            st.setTimestamp(2, Timestamp.from(asOf));
            st.setTimestamp(3, startedAt);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** When the current transaction began, by the store's clock (the one its updated_at columns use). */
    private static Timestamp transactionStart(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select now()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /**
     * The difference of the new assignments to the current membership, computed once into
     * {@link #DIFF}: the history and the membership are then written from it, so a refresh in which
     * few clients move writes few rows. In an incremental refresh only the candidates' membership
     * is compared.
     *
     * @param unique whether {@code segment_raw} holds each client at most once (no dedup pass needed)
     */
    private static void diff(Connection c, long segmentId, boolean incremental, boolean unique) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (unique) {
                st.execute("alter table segment_raw rename to segment_new");
            } else {
                // one row per client, the last assignment winning
                st.execute("""
                        create temp table segment_new on commit drop as
                        select distinct on (client_id) client_id, cell from segment_raw order by client_id, seq desc
                        """);
            }
            st.execute("analyze segment_new");
        }
        // every assigned id was one the stream handed out (BatchedAssignments checks it as it goes):
        // the candidates in an incremental refresh, clients of the snapshot in a full one
        if (incremental) {
            update(c, """
                    create temp table segment_diff as
                    select k.client_id, m.cell as from_cell, n.cell as to_cell
                    from segment_candidates k
                    left join segment_new n on n.client_id = k.client_id
                    left join segment_member m on m.segment_id = ? and m.client_id = k.client_id
                    where n.cell is distinct from m.cell
                    """, segmentId);
        } else {
            update(c, """
                    create temp table segment_diff as
                    select coalesce(n.client_id, m.client_id) as client_id, m.cell as from_cell, n.cell as to_cell
                    from segment_new n
                    full join (select client_id, cell from segment_member where segment_id = ?) m on m.client_id = n.client_id
                    where n.cell is distinct from m.cell
                    """, segmentId);
        }
    }

    /**
     * The second transaction: writes the membership and its history from {@link #DIFF}, under the
     * lock every import batch takes ({@link IngestLock}). Imports merge clients
     * away (and a deletion of clients takes that lock too, in the trigger that removes their
     * membership, V19), so while this holds it no client disappears, and reading committed data it
     * sees every client that went since the read: they are left out, and no membership can outlive
     * its client.
     */
    private long write(Connection c, long segmentId, Instant asOf, Read read, long readEpoch) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        try (Statement st = c.createStatement()) {
            st.execute("select pg_advisory_xact_lock(" + IngestLock.KEY + ")");
            st.execute("set local work_mem = '" + WORK_MEM + "'");
            // the membership and the clients are read from memory: priced as disk pages, probing
            // them for the clients a day moves (thousands) lost to hash joins over the whole segment
            // (at a million members the update of 17,792 movers took 2.1 s that way, 1.0 s probing)
            st.execute("set local random_page_cost = " + RANDOM_PAGE_COST);
        }
        // the diff was computed against the membership of the read's snapshot: another refresh of this
        // segment that ended since (another hub on the same store) may have changed it
        long overtaken = single(c, "select count(*) from segment_refresh where segment_id = " + segmentId
                + " and status = 'succeeded' and id > " + (read.previous() == null ? 0 : read.previous().id()));
        if (overtaken > 0) {
            throw new IllegalStateException("the segment was refreshed by another refresh meanwhile");
        }
        // locks the segment's row (its foreign key) before any partition is touched: a deletion of the
        // segment, which drops them, then waits for this write (V22)
        long refreshId = insertRunning(c, segmentId, asOf, read.startedAt());
        try (Statement st = c.createStatement()) {
            // V22 creates them with the segment; a no-op that keeps a write from failing without them
            st.execute("select segment_partitions(" + segmentId + ")");
            st.execute("alter table " + diffOf(segmentId) + " rename to " + DIFF);
            st.execute("analyze segment_diff");
        }
        // clients deleted since the read (merged away by an import) are left out; when the epoch did
        // not move since the read's snapshot, none was, and a million-row diff needs no anti-join
        if (single(c, CLIENT_EPOCH) != readEpoch) {
            update(c, "delete from segment_diff d where not exists (select 1 from client x where x.id = d.client_id)");
        }
        Timestamp now = Timestamp.from(clock.instant());
        BulkMembership bulk = new BulkMembership(c, segmentId, refreshId);
        long diffed = single(c, "select count(*) from segment_diff");
        boolean large = diffed >= bulkFrom;
        boolean newHistory = large && !bulk.hasHistory();
        boolean newMembership = large && 2 * diffed > previousMembers(c, read.previous());
        if (newHistory) {
            bulk.buildHistory(now);
        } else {
            update(c, """
                    insert into segment_movement (segment_id, refresh_id, client_id, from_cell, to_cell, moved_at)
                    select ?, ?, client_id, from_cell, to_cell, ? from segment_diff order by client_id
                    """, segmentId, refreshId, now);
        }
        if (newMembership) {
            bulk.buildMembership(now);
        } else {
            writeMembershipRows(c, segmentId, now);
        }
        // the history's partition first, as the row-by-row writes above and V22's triggers take them
        if (newHistory) {
            bulk.swapHistory();
        }
        if (newMembership) {
            bulk.swapMembership();
        } else {
            long changed = single(c, "select count(*) filter (where from_cell is null or to_cell is null) from segment_diff");
            if (changed > ANALYZE_AFTER) {
                // a segment filled or emptied by this refresh: without fresh statistics the planner takes
                // the segment for as small as it was and joins the next refresh's diff to it row by row
                // (a minute instead of milliseconds in the benchmark); ANALYZE counts this transaction's
                // rows. The segment's partition alone: analysing the parent would sample every segment.
                try (Statement st = c.createStatement()) {
                    st.execute("analyze " + BulkMembership.MEMBERS + segmentId);
                }
            }
        }
        update(c, """
                update segment_refresh r set status = 'succeeded', finished_at = ?, clients = ?, mode = ?,
                  members = x.members, entered = x.entered, moved = x.moved, exited = x.exited,
                  unchanged = x.members - x.entered - x.moved
                from (select (select count(*) from segment_member where segment_id = ?) as members,
                             count(*) filter (where from_cell is null) as entered,
                             count(*) filter (where from_cell is not null and to_cell is not null) as moved,
                             count(*) filter (where to_cell is null) as exited
                      from segment_diff) x
                where r.id = ?
                """, now, read.clients(), read.incremental() ? "incremental" : "full", segmentId, refreshId);
        update(c, "update segment set refreshed_at = ? where id = ?", now, segmentId);
        try (Statement st = c.createStatement()) {
            st.execute("drop table " + DIFF);
        }
        c.commit();
        return refreshId;
    }

    /** Applies the diff to the segment's membership row by row: what a refresh moving few clients does. */
    private static void writeMembershipRows(Connection c, long segmentId, Timestamp now) throws SQLException {
        update(c, """
                delete from segment_member m using segment_diff d
                where m.segment_id = ? and m.client_id = d.client_id and d.to_cell is null
                """, segmentId);
        update(c, """
                update segment_member m set cell = d.to_cell, since = ? from segment_diff d
                where m.segment_id = ? and m.client_id = d.client_id and d.from_cell is not null and d.to_cell is not null
                """, now, segmentId);
        update(c, """
                insert into segment_member (segment_id, client_id, cell, since)
                select ?, client_id, to_cell, ? from segment_diff where from_cell is null order by client_id
                """, segmentId, now);
    }

    /**
     * The members the segment had after its previous refresh: what the diff is weighed against.
     * Clients deleted since only make it larger than the partition, which merely keeps a borderline
     * refresh on the row-by-row path.
     */
    private static long previousMembers(Connection c, Previous previous) throws SQLException {
        return previous == null ? 0 : single(c, "select members from segment_refresh where id = " + previous.id());
    }

    static long single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        long t0 = System.nanoTime();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.executeUpdate();
        }
        log.trace("{} ms: {}", (System.nanoTime() - t0) / 1_000_000, sql.strip().lines().findFirst().orElse(""));
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
