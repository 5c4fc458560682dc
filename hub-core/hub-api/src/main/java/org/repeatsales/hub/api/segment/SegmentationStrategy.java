package org.repeatsales.hub.api.segment;

import java.util.List;
import org.pf4j.ExtensionPoint;
import org.repeatsales.hub.api.Label;

/**
 * Turns client statistics into named groups (cells) of one segment: an extension point that plugins
 * implement with a class marked {@code @org.pf4j.Extension}.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>The hub creates the extension once per plugin start, passing a
 *       {@link org.repeatsales.hub.api.PluginContext} to a constructor that takes one.</li>
 *   <li>It reads {@link #id()}, {@link #name()} and {@link #parameters()} to list the strategy;
 *       they must be cheap and constant for the life of the instance.</li>
 *   <li>When a segment is saved or refreshed, the hub resolves the stored parameters against
 *       {@link #parameters()} (types, bounds, defaults) and then calls {@link #validate(Parameters)}
 *       for rules that tie parameters together.</li>
 *   <li>A refresh calls {@link #cells(Parameters)}, then
 *       {@link #segment(SegmentationContext, ClientStream, SegmentAssignments)} once.</li>
 *   <li>When the plugin is stopped or unloaded the instance is dropped; it holds no resources that
 *       need closing.</li>
 * </ol>
 *
 * <h2>Thread-safety</h2>
 * One instance may serve refreshes of several segments at the same time, each on its own thread with
 * its own stream and sink: keep no per-refresh state in fields.
 *
 * <h2>Memory</h2>
 * The base may hold millions of clients. Read them through {@link ClientStream} and write through
 * {@link SegmentAssignments}; never collect {@link ClientFacts} objects. A strategy that needs a
 * distribution (quantiles) may keep primitive arrays of one number per client (8 bytes each) and
 * make a second pass.
 *
 * <h2>Outcome</h2>
 * The result must depend only on the context and the clients read: the same data and {@code asOf}
 * give the same cells (the hub's tests compare exact membership). Throwing from {@code segment}
 * fails the refresh with the exception's message; the hub keeps the previous membership untouched,
 * and a later refresh simply runs again.
 */
public interface SegmentationStrategy extends ExtensionPoint {

    /** Stable id stored in segment definitions, e.g. {@code lifecycle}: lower-case, dashes. */
    String id();

    /** What marketers see in the list of strategies. */
    Label name();

    /** A sentence or two on what the strategy does, Russian first. */
    default Label description() {
        return name();
    }

    /** The parameters the strategy accepts, in the order a form shows them. */
    List<ParameterSpec> parameters();

    /**
     * Checks rules that tie parameters together (thresholds in order); each value is already typed
     * and inside its declared bounds.
     *
     * @throws InvalidParameterException naming the offending parameter
     */
    default void validate(Parameters parameters) {
    }

    /** Every cell the strategy may assign with these parameters, in display order. */
    List<Cell> cells(Parameters parameters);

    /**
     * Days of history the strategy wants summarised in {@link ClientFacts#windowPurchases()} and
     * {@link ClientFacts#windowRevenue()}; 0 (the default) for none. The window covers receipts made
     * at or after {@code asOf} minus this many days.
     */
    default int windowDays(Parameters parameters) {
        return 0;
    }

    /**
     * Whether the strategy reads {@link ClientFacts#windowMonths()} and
     * {@link ClientFacts#windowDiscountedPurchases()}. Computing them costs the hub a look at every
     * receipt's month and discount, so it fills them only for strategies that answer true; for the
     * others they are 0. Since hub-api 0.5.0.
     */
    default boolean needsPurchasePattern(Parameters parameters) {
        return false;
    }

    /**
     * Whether a client's cell depends on nothing but that client's own facts and {@code asOf}, as
     * with fixed thresholds, and not on the other clients, as with quintiles or shares of revenue.
     * Then the hub may refresh incrementally: it runs {@link #segment} over only the clients whose
     * facts changed since the last refresh, whose window lost a receipt, or whose days since the last
     * purchase crossed one of {@link #recencyBoundaries}, and keeps everyone else's cell. A strategy
     * whose cells change with time in any other way must answer false. Since hub-api 0.6.0.
     */
    default boolean perClient(Parameters parameters) {
        return false;
    }

    /**
     * For a {@linkplain #perClient per-client} strategy: the numbers of days since the last purchase
     * (as {@link SegmentationContext#daysSince} counts them) at which a client's cell may change with
     * no new receipt, such as 30 and 90 for a lifecycle matrix. Empty (the default) when time alone
     * never moves a client. Since hub-api 0.6.0.
     */
    default List<Integer> recencyBoundaries(Parameters parameters) {
        return List.of();
    }

    /** Assigns clients to cells. See the class documentation for the rules. */
    void segment(SegmentationContext context, ClientStream clients, SegmentAssignments assignments);
}
