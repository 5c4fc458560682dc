package org.repeatsales.hub.plugins.lifecycle;

import java.util.ArrayList;
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
 * The 3x3 lifecycle matrix: how often a client bought (once, a few times, regularly) by how long ago
 * the last purchase was (active, fading, sleeping). One pass, constant memory.
 *
 * <p>Clients without a purchase (never bought, or only refunds) are not members. A last purchase
 * dated after {@code asOf} counts as made today.
 */
@Extension
public class LifecycleStrategy implements SegmentationStrategy {

    static final String REPEAT_FROM = "repeatFrom";
    static final String REGULAR_FROM = "regularFrom";
    static final String ACTIVE_DAYS = "activeDays";
    static final String FADING_DAYS = "fadingDays";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.integer(REPEAT_FROM, 2, 2L, 1000L, Label.of(
                    "С какого числа покупок клиент считается повторным", "Purchases from which a client is a repeat buyer")),
            ParameterSpec.integer(REGULAR_FROM, 4, 3L, 10000L, Label.of(
                    "С какого числа покупок клиент считается постоянным", "Purchases from which a client is a regular")),
            ParameterSpec.integer(ACTIVE_DAYS, 30, 0L, 3650L, Label.of(
                    "Сколько дней после последней покупки клиент активен", "Days after the last purchase a client stays active")),
            ParameterSpec.integer(FADING_DAYS, 90, 1L, 3650L, Label.of(
                    "После скольких дней без покупок клиент спит", "Days without a purchase after which a client is sleeping")));

    private static final String[] ROWS = {"new", "repeat", "regular"};
    private static final String[] ROWS_RU = {"Новые", "Повторные", "Постоянные"};
    private static final String[] ROWS_EN = {"New", "Repeat", "Regular"};
    private static final String[] COLUMNS = {"active", "fading", "sleeping"};
    private static final String[] COLUMNS_RU = {"активные", "засыпающие", "спящие"};
    private static final String[] COLUMNS_EN = {"active", "fading", "sleeping"};

    private static final List<Cell> CELLS;

    static {
        List<Cell> cells = new ArrayList<>();
        for (int r = 0; r < ROWS.length; r++) {
            for (int c = 0; c < COLUMNS.length; c++) {
                cells.add(Cell.of(code(r, c), ROWS_RU[r] + " " + COLUMNS_RU[c], ROWS_EN[r] + " " + COLUMNS_EN[c]));
            }
        }
        CELLS = List.copyOf(cells);
    }

    @Override
    public String id() {
        return "lifecycle";
    }

    @Override
    public Label name() {
        return Label.of("Жизненный цикл 3×3", "Lifecycle matrix 3x3");
    }

    @Override
    public Label description() {
        return Label.of(
                "Число покупок (1, 2–3, 4+) × дни с последней покупки (0–30, 31–90, 91+); пороги настраиваются",
                "Purchase count (1, 2-3, 4+) by days since the last purchase (0-30, 31-90, 91+); thresholds are configurable");
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public void validate(Parameters p) {
        if (p.integer(REGULAR_FROM) <= p.integer(REPEAT_FROM)) {
            throw new InvalidParameterException(REGULAR_FROM, "must be greater than " + REPEAT_FROM + " ("
                    + p.integer(REPEAT_FROM) + "), got " + p.integer(REGULAR_FROM));
        }
        if (p.integer(FADING_DAYS) <= p.integer(ACTIVE_DAYS)) {
            throw new InvalidParameterException(FADING_DAYS, "must be greater than " + ACTIVE_DAYS + " ("
                    + p.integer(ACTIVE_DAYS) + "), got " + p.integer(FADING_DAYS));
        }
    }

    @Override
    public List<Cell> cells(Parameters parameters) {
        return CELLS;
    }

    /** A client's cell follows from their purchase count and days since the last purchase alone. */
    @Override
    public boolean perClient(Parameters parameters) {
        return true;
    }

    @Override
    public List<Integer> recencyBoundaries(Parameters parameters) {
        return List.of(Math.toIntExact(parameters.integer(ACTIVE_DAYS)), Math.toIntExact(parameters.integer(FADING_DAYS)));
    }

    @Override
    public void segment(SegmentationContext context, ClientStream clients, SegmentAssignments assignments) {
        Parameters p = context.parameters();
        long repeatFrom = p.integer(REPEAT_FROM);
        long regularFrom = p.integer(REGULAR_FROM);
        long activeDays = p.integer(ACTIVE_DAYS);
        long fadingDays = p.integer(FADING_DAYS);
        try (ClientStream.Cursor cursor = clients.open()) {
            while (cursor.hasNext()) {
                ClientFacts client = cursor.next();
                if (client.purchases() < 1 || client.lastPurchaseAt() == null) {
                    continue;
                }
                int row = client.purchases() >= regularFrom ? 2 : client.purchases() >= repeatFrom ? 1 : 0;
                long days = Math.max(0, context.daysSince(client.lastPurchaseAt()));
                int column = days <= activeDays ? 0 : days <= fadingDays ? 1 : 2;
                assignments.assign(client.clientId(), code(row, column));
            }
        }
    }

    private static String code(int row, int column) {
        return ROWS[row] + "-" + COLUMNS[column];
    }
}
