package org.repeatsales.hub.api.testkit;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.ClientStream;
import org.repeatsales.hub.api.segment.Parameters;
import org.repeatsales.hub.api.segment.SegmentationContext;
import org.repeatsales.hub.api.segment.SegmentationStrategy;

/**
 * A hand-made base of clients for exact-membership tests of a segmentation strategy, run the way
 * the hub runs it: parameters resolved and validated, a streamed read of clients, every assigned
 * cell checked against the declared ones.
 */
public final class ClientBase {

    public static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    private final Instant asOf;
    private final List<ClientFacts> clients = new ArrayList<>();

    public ClientBase(String asOf) {
        this.asOf = Instant.parse(asOf);
    }

    /** A client whose last purchase was {@code daysAgo} calendar days before asOf (same hour). */
    public ClientBase client(long id, int purchases, long daysAgo, String revenue) {
        return client(id, purchases, 0, daysAgo, purchases, revenue);
    }

    public ClientBase client(long id, int purchases, int refunds, long daysAgo, int windowPurchases, String windowRevenue) {
        Instant last = daysAgo < 0 ? null : asOf.minus(java.time.Duration.ofDays(daysAgo));
        BigDecimal revenue = new BigDecimal(windowRevenue);
        clients.add(new ClientFacts(id, purchases, refunds, revenue,
                purchases == 0 ? null : revenue.divide(BigDecimal.valueOf(purchases), 2, java.math.RoundingMode.HALF_UP),
                last, last, windowPurchases, revenue));
        return this;
    }

    /**
     * A client with {@code windowPurchases} purchases in the window (100 rubles each, the last one
     * at asOf), {@code discounted} of them with a discount, made in the given calendar months (1 for
     * January ... 12 for December): the facts of {@code ClientFacts#windowMonths()} and
     * {@code windowDiscountedPurchases()}.
     */
    public ClientBase buyer(long id, int windowPurchases, int discounted, int... months) {
        int mask = 0;
        for (int month : months) {
            mask |= ClientFacts.monthBit(month);
        }
        BigDecimal revenue = BigDecimal.valueOf(100L * windowPurchases);
        Instant last = windowPurchases == 0 ? null : asOf;
        clients.add(new ClientFacts(id, windowPurchases, 0, revenue,
                windowPurchases == 0 ? null : new BigDecimal("100.00"), last, last, windowPurchases, revenue,
                mask, discounted));
        return this;
    }

    public ClientBase add(ClientFacts facts) {
        clients.add(facts);
        return this;
    }

    public Instant asOf() {
        return asOf;
    }

    /** Client id to cell code, as the strategy assigned them; checks every cell was declared. */
    public Map<Long, String> segment(SegmentationStrategy strategy, Map<String, ?> raw) {
        Parameters parameters = Parameters.resolve(strategy.parameters(), raw);
        strategy.validate(parameters);
        List<String> declared = strategy.cells(parameters).stream().map(c -> c.code()).toList();
        int window = strategy.windowDays(parameters);
        SegmentationContext context = new SegmentationContext(asOf, MOSCOW, parameters,
                window == 0 ? null : asOf.minus(java.time.Duration.ofDays(window)));
        ClientStream stream = () -> new ClientStream.Cursor() {
            private final Iterator<ClientFacts> it = clients.iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public ClientFacts next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
        Map<Long, String> result = new TreeMap<>();
        strategy.segment(context, stream, (clientId, cell) -> {
            if (!declared.contains(cell)) {
                throw new IllegalArgumentException("undeclared cell " + cell);
            }
            result.put(clientId, cell);
        });
        return result;
    }
}
