package org.repeatsales.hub.console;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Pareto curve laid out on the server in SVG units: cumulative share of revenue (up) against
 * cumulative share of buyers from the biggest down (right), with the diagonal of an even spread and
 * ABC's thresholds as lines, so the page needs no chart library.
 */
record ParetoChart(int width, int height, int left, int top, int plotWidth, int plotHeight, String curve,
                   String diagonal, List<Line> thresholds, List<Tick> ticks, double topFifthShare) {

    static final int WIDTH = 560;
    static final int HEIGHT = 320;
    private static final int LEFT = 44;
    private static final int TOP = 12;
    private static final int RIGHT = 16;
    private static final int BOTTOM = 36;

    /** A horizontal threshold line at {@code percent} of the revenue. */
    record Line(double percent, int y) {
    }

    /** A grid label at {@code percent} on both axes. */
    record Tick(int percent, int x, int y) {
    }

    static ParetoChart of(List<SegmentFigures.Point> points, List<Double> thresholds) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        String curve = points.stream()
                .map(p -> String.format(Locale.ROOT, "%.1f,%.1f", x(p.clients(), plotWidth), y(p.revenue(), plotHeight)))
                .collect(Collectors.joining(" "));
        String diagonal = String.format(Locale.ROOT, "%d,%d %d,%d", LEFT, TOP + plotHeight, LEFT + plotWidth, TOP);
        List<Line> lines = thresholds.stream().map(t -> new Line(t, (int) Math.round(y(t, plotHeight)))).toList();
        List<Tick> ticks = List.of(0, 20, 40, 60, 80, 100).stream()
                .map(t -> new Tick(t, (int) Math.round(x(t, plotWidth)), (int) Math.round(y(t, plotHeight)))).toList();
        return new ParetoChart(WIDTH, HEIGHT, LEFT, TOP, plotWidth, plotHeight, curve, diagonal, lines, ticks,
                shareAt(points, 20));
    }

    /** The revenue share of the top {@code clients} percent of buyers, read off the curve between its points. */
    static double shareAt(List<SegmentFigures.Point> points, double clients) {
        SegmentFigures.Point before = null;
        for (SegmentFigures.Point p : points) {
            if (p.clients() >= clients) {
                if (before == null || p.clients() == before.clients()) {
                    return p.revenue();
                }
                double t = (clients - before.clients()) / (p.clients() - before.clients());
                return before.revenue() + t * (p.revenue() - before.revenue());
            }
            before = p;
        }
        return points.isEmpty() ? 0 : points.get(points.size() - 1).revenue();
    }

    private static double x(double percent, int plotWidth) {
        return LEFT + percent * plotWidth / 100.0;
    }

    private static double y(double percent, int plotHeight) {
        return TOP + plotHeight - percent * plotHeight / 100.0;
    }
}
