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
 * @param windowMonths the calendar months, in the business time zone, with at least one purchase
 *     since the window start, as a bit mask: bit 0 for January ... bit 11 for December (so
 *     {@code Integer.bitCount(windowMonths)} is the number of distinct months of the year with a
 *     purchase; with a window over 365 days the same month of two years is one bit); 0 without a
 *     window. Since hub-api 0.4.0.
 * @param windowDiscountedPurchases purchases (not refunds) since the window start with a discount
 *     above zero; 0 without a window. Since hub-api 0.4.0.
 */
public record ClientFacts(long clientId, int purchases, int refunds, BigDecimal revenue, BigDecimal averageCheck,
                          Instant firstPurchaseAt, Instant lastPurchaseAt, int windowPurchases,
                          BigDecimal windowRevenue, int windowMonths, int windowDiscountedPurchases) {

    /** Every month bit, January to December. */
    public static final int ALL_MONTHS = 0xFFF;

    public ClientFacts {
        revenue = revenue == null ? BigDecimal.ZERO : revenue;
        windowRevenue = windowRevenue == null ? BigDecimal.ZERO : windowRevenue;
        if ((windowMonths & ~ALL_MONTHS) != 0) {
            throw new IllegalArgumentException("windowMonths has bits beyond December: " + Integer.toBinaryString(windowMonths));
        }
    }

    /** The hub-api 0.3 shape: no month mask, no discounted purchases (both 0). */
    public ClientFacts(long clientId, int purchases, int refunds, BigDecimal revenue, BigDecimal averageCheck,
                       Instant firstPurchaseAt, Instant lastPurchaseAt, int windowPurchases, BigDecimal windowRevenue) {
        this(clientId, purchases, refunds, revenue, averageCheck, firstPurchaseAt, lastPurchaseAt, windowPurchases,
                windowRevenue, 0, 0);
    }

    /** Month bit of a calendar month (1 for January ... 12 for December), for {@link #windowMonths()}. */
    public static int monthBit(int month) {
        if (month < 1 || month > 12) {
            throw new IllegalArgumentException("month must be 1..12, got " + month);
        }
        return 1 << (month - 1);
    }
}
