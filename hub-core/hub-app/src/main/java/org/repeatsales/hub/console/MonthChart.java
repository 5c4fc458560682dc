package org.repeatsales.hub.console;

import java.util.ArrayList;
import java.util.List;

/**
 * The new-versus-returning chart laid out on the server: bar geometry in SVG units, so the page
 * needs no chart library and no script.
 */
record MonthChart(int width, int height, int baseline, long max, List<Bar> bars) {

    static final int WIDTH = 720;
    static final int HEIGHT = 240;
    private static final int TOP = 20;
    private static final int BOTTOM = 30;
    private static final int SLOT = WIDTH / Dashboard.MONTHS;
    private static final int BAR = SLOT / 2 - 4;

    /** One month: the new clients' bar on the left, the returning clients' on the right. */
    record Bar(String label, long newClients, long returningClients, int newX, int returningX, int barWidth,
               int newY, int newHeight, int returningY, int returningHeight, int labelX) {
    }

    static MonthChart of(List<Dashboard.Month> months) {
        long max = months.stream().mapToLong(m -> Math.max(m.newClients(), m.returningClients())).max().orElse(0);
        int baseline = HEIGHT - BOTTOM;
        int room = baseline - TOP;
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < months.size(); i++) {
            Dashboard.Month m = months.get(i);
            int x = i * SLOT + 4;
            int newHeight = scaled(m.newClients(), max, room);
            int returningHeight = scaled(m.returningClients(), max, room);
            bars.add(new Bar(String.format("%02d.%02d", m.month().getMonthValue(), m.month().getYear() % 100),
                    m.newClients(), m.returningClients(), x, x + BAR + 2, BAR,
                    baseline - newHeight, newHeight, baseline - returningHeight, returningHeight, x + BAR + 1));
        }
        return new MonthChart(WIDTH, HEIGHT, baseline, max, bars);
    }

    private static int scaled(long value, long max, int room) {
        // a month with buyers keeps a visible sliver even next to a much larger one
        return max == 0 || value == 0 ? 0 : Math.max(2, (int) Math.round((double) value * room / max));
    }
}
