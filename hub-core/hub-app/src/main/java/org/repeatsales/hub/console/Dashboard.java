package org.repeatsales.hub.console;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;
import static org.repeatsales.hub.store.jooq.Tables.CLIENT_STATS;
import static org.repeatsales.hub.store.jooq.Tables.RECEIPT;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.repeatsales.hub.config.HubProperties;
import org.springframework.stereotype.Service;

/** The figures of the console's first page, computed in the store from clients' statistics and receipts. */
@Service
class Dashboard {

    /** Months shown in the new-versus-returning chart, the current one included. */
    static final int MONTHS = 12;

    private final DSLContext db;
    private final ZoneId zone;

    Dashboard(DSLContext db, HubProperties hub) {
        this.db = db;
        this.zone = hub.timezone();
    }

    /**
     * @param activeShare     share of clients who bought in the last 12 months, percent
     * @param repeatRate      share of buying clients with two purchases or more, percent
     * @param averageCheck    mean total of identified clients' sales receipts (refunds left out), rubles
     * @param revenue         purchases minus refunds over all clients, rubles
     */
    record Figures(long clients, long activeClients, BigDecimal activeShare, BigDecimal repeatRate,
                   BigDecimal averageCheck, BigDecimal revenue, List<Month> months) {
    }

    /** Clients who bought in a month: for the first time ever, or again. */
    record Month(YearMonth month, long newClients, long returningClients) {
    }

    Figures figures() {
        long clients = db.fetchCount(CLIENT);
        var stats = db.select(
                        DSL.count().filterWhere(DSL.condition("{0} >= now() - interval '12 months'", CLIENT_STATS.LAST_PURCHASE_AT)),
                        DSL.count().filterWhere(CLIENT_STATS.PURCHASES.ge(1)),
                        DSL.count().filterWhere(CLIENT_STATS.PURCHASES.ge(2)),
                        DSL.coalesce(DSL.sum(CLIENT_STATS.REVENUE), BigDecimal.ZERO))
                .from(CLIENT_STATS)
                .fetchSingle();
        BigDecimal averageCheck = db.select(DSL.avg(RECEIPT.TOTAL)).from(RECEIPT)
                .where(RECEIPT.IS_REFUND.isFalse()).and(RECEIPT.CLIENT_ID.isNotNull())
                .fetchSingle().value1();
        return new Figures(clients, stats.value1(), percent(stats.value1(), clients), percent(stats.value3(), stats.value2()),
                averageCheck == null ? BigDecimal.ZERO.setScale(2) : averageCheck.setScale(2, RoundingMode.HALF_UP),
                stats.value4(), months());
    }

    /**
     * New versus returning buyers per calendar month in the business's zone: a client is new in the
     * month of their first purchase ever and returning in any later month they buy in.
     */
    private List<Month> months() {
        var rows = db.resultQuery("""
                with month as (
                    select generate_series(date_trunc('month', now() at time zone {0}) - make_interval(months => {1}),
                                           date_trunc('month', now() at time zone {0}), interval '1 month') as start
                ), bought as (
                    select distinct r.client_id,
                           date_trunc('month', r.purchased_at at time zone {0}) as month,
                           date_trunc('month', s.first_purchase_at at time zone {0}) as first_month
                    from receipt r join client_stats s on s.client_id = r.client_id
                    where not r.is_refund
                      and r.purchased_at >= (date_trunc('month', now() at time zone {0}) - make_interval(months => {1})) at time zone {0}
                )
                select month.start,
                       count(bought.client_id) filter (where bought.first_month = month.start) as new_clients,
                       count(bought.client_id) filter (where bought.first_month < month.start) as returning_clients
                from month left join bought on bought.month = month.start
                group by month.start order by month.start""", DSL.val(zone.getId()), DSL.val(MONTHS - 1))
                .fetch();
        List<Month> months = new ArrayList<>();
        for (var r : rows) {
            LocalDateTime start = r.get(0, LocalDateTime.class);
            months.add(new Month(YearMonth.from(start), r.get(1, Long.class), r.get(2, Long.class)));
        }
        return months;
    }

    private static BigDecimal percent(long part, long whole) {
        if (whole == 0) {
            return BigDecimal.ZERO.setScale(1);
        }
        return BigDecimal.valueOf(part * 100L).divide(BigDecimal.valueOf(whole), 1, RoundingMode.HALF_UP);
    }
}
