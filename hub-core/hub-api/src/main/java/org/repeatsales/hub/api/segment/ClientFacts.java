package org.repeatsales.hub.api.segment;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What a strategy knows about one client: the statistics the hub keeps current on every import.
 * A refund reduces revenue and is not a purchase; anonymous receipts belong to no client and never
 * appear here.
 *
 * @param clientId the hub's id of the client, what {@link SegmentAssignments#assign} takes
 * @param purchases receipts that are not refunds, over the client's whole history
 * @param refunds refund receipts, over the whole history
 * @param revenue purchases minus refunds, rubles (may be zero or negative)
 * @param averageCheck average purchase receipt, rubles; null without purchases
 * @param firstPurchaseAt the first purchase; null without purchases
 * @param lastPurchaseAt the latest purchase; null without purchases
 * @param windowPurchases purchases since {@link SegmentationContext#windowStart()}; 0 when the
 *     strategy asked for no window
 * @param windowRevenue revenue (purchases minus refunds) since the window start; 0 without a window
 */
public record ClientFacts(long clientId, int purchases, int refunds, BigDecimal revenue, BigDecimal averageCheck,
                          Instant firstPurchaseAt, Instant lastPurchaseAt, int windowPurchases,
                          BigDecimal windowRevenue) {

    public ClientFacts {
        revenue = revenue == null ? BigDecimal.ZERO : revenue;
        windowRevenue = windowRevenue == null ? BigDecimal.ZERO : windowRevenue;
    }
}
