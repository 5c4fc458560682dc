package org.repeatsales.hub.plugins.customertypes;

import java.math.BigDecimal;
import java.util.List;
import org.pf4j.Extension;
import org.repeatsales.hub.api.Label;
import org.repeatsales.hub.api.segment.Cell;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.ClientStream;
import org.repeatsales.hub.api.segment.InvalidParameterException;
import org.repeatsales.hub.api.segment.ParameterSpec;
import org.repeatsales.hub.api.segment.Parameters;
import org.repeatsales.hub.api.segment.SegmentAssignments;
import org.repeatsales.hub.api.segment.SegmentationContext;
import org.repeatsales.hub.api.segment.SegmentationStrategy;

/**
 * Customer types as retail practice names them, over the last year (a 365-day window).
 *
 * <p>Members are the clients with at least one purchase in the window; each gets exactly one cell,
 * the first type that fits in this order:
 * <ol>
 *   <li>{@code regular} «Постоянные»: purchases in at least {@code regularMonths} (default 8)
 *       distinct calendar months;</li>
 *   <li>{@code discount} «Покупатели скидок»: at least {@code discountShare} percent (default 60)
 *       of the window's purchases had a discount;</li>
 *   <li>{@code seasonal} «Сезонные»: at least {@code seasonalMinPurchases} purchases (default 2),
 *       all in at most {@code seasonalMonths} (default 3) calendar months;</li>
 *   <li>{@code other} «Остальные покупатели за год»: everyone else who bought in the year.</li>
 * </ol>
 * «Все покупатели за год» (all buyers of the year) is the whole segment, the sum of the four cells.
 * A regular who buys on discount stays regular: loyalty is the stronger signal for a campaign.
 *
 * <p>Months are calendar months in the business time zone ({@link ClientFacts#windowMonths()});
 * the window spans 365 days, so the month of {@code asOf} a year ago and now count as one month.
 * Refunds are not purchases. One pass, no memory per client.
 */
@Extension
public class CustomerTypesStrategy implements SegmentationStrategy {

    static final int WINDOW_DAYS = 365;
    static final String REGULAR_MONTHS = "regularMonths";
    static final String SEASONAL_MONTHS = "seasonalMonths";
    static final String SEASONAL_MIN_PURCHASES = "seasonalMinPurchases";
    static final String DISCOUNT_SHARE = "discountShare";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.integer(REGULAR_MONTHS, 8, 1L, 12L, Label.of(
                    "«Постоянные»: покупки хотя бы в стольких месяцах из последних 12",
                    "Regular: purchases in at least this many of the last 12 months")),
            ParameterSpec.integer(SEASONAL_MONTHS, 3, 1L, 11L, Label.of(
                    "«Сезонные»: все покупки года не более чем в стольких календарных месяцах",
                    "Seasonal: all the year's purchases in at most this many calendar months")),
            ParameterSpec.integer(SEASONAL_MIN_PURCHASES, 2, 2L, 1000L, Label.of(
                    "«Сезонные»: не меньше стольких покупок за год",
                    "Seasonal: at least this many purchases in the year")),
            ParameterSpec.decimal(DISCOUNT_SHARE, "60", "1", "100", Label.of(
                    "«Покупатели скидок»: доля чеков со скидкой за год, %, не меньше",
                    "Discount buyers: share of the year's receipts with a discount, %, at least")));

    private static final List<Cell> CELLS = List.of(
            Cell.of("regular", "Постоянные", "Regular"),
            Cell.of("discount", "Покупатели скидок", "Discount buyers"),
            Cell.of("seasonal", "Сезонные", "Seasonal"),
            Cell.of("other", "Остальные покупатели за год", "Other buyers of the year"));

    @Override
    public String id() {
        return "customer-types";
    }

    @Override
    public Label name() {
        return Label.of("Типы покупателей", "Customer types");
    }

    @Override
    public Label description() {
        return Label.of(
                "Постоянные, покупатели скидок, сезонные и остальные покупатели за год; у клиента один тип",
                "Regular, discount buyers, seasonal and other buyers of the year; one type per client");
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public void validate(Parameters p) {
        if (p.integer(SEASONAL_MONTHS) >= p.integer(REGULAR_MONTHS)) {
            throw new InvalidParameterException(SEASONAL_MONTHS, "must be less than " + REGULAR_MONTHS + " ("
                    + p.integer(REGULAR_MONTHS) + "), got " + p.integer(SEASONAL_MONTHS));
        }
    }

    @Override
    public List<Cell> cells(Parameters parameters) {
        return CELLS;
    }

    @Override
    public boolean needsPurchasePattern(Parameters parameters) {
        return true;
    }

    @Override
    public int windowDays(Parameters parameters) {
        return WINDOW_DAYS;
    }

    @Override
    public void segment(SegmentationContext context, ClientStream clients, SegmentAssignments assignments) {
        Parameters p = context.parameters();
        int regularMonths = (int) p.integer(REGULAR_MONTHS);
        int seasonalMonths = (int) p.integer(SEASONAL_MONTHS);
        long seasonalMinPurchases = p.integer(SEASONAL_MIN_PURCHASES);
        BigDecimal discountShare = p.decimal(DISCOUNT_SHARE);
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                ClientFacts c = cursor.next();
                if (c.windowPurchases() > 0) {
                    assignments.assign(c.clientId(),
                            type(c, regularMonths, seasonalMonths, seasonalMinPurchases, discountShare));
                }
            }
        }
    }

    static String type(ClientFacts c, int regularMonths, int seasonalMonths, long seasonalMinPurchases,
                       BigDecimal discountShare) {
        int months = Integer.bitCount(c.windowMonths());
        if (months >= regularMonths) {
            return "regular";
        }
        // discounted * 100 >= share * purchases, exact for a decimal share
        if (BigDecimal.valueOf(100L * c.windowDiscountedPurchases())
                .compareTo(discountShare.multiply(BigDecimal.valueOf(c.windowPurchases()))) >= 0) {
            return "discount";
        }
        if (c.windowPurchases() >= seasonalMinPurchases && months >= 1 && months <= seasonalMonths) {
            return "seasonal";
        }
        return "other";
    }
}
