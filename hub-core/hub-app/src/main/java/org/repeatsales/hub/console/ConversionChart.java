package org.repeatsales.hub.console;

import java.util.List;
import org.repeatsales.hub.campaign.report.CampaignReport;
import org.repeatsales.hub.campaign.report.CampaignReports;

/**
 * Conversion of the clients sent the message against the control group, laid out on the server in
 * SVG units: one bar per group with its 95% interval as a whisker, so overlapping whiskers show at a
 * glance that the difference may be chance. Each group's interval is the same normal approximation
 * the report uses for the uplift, for one proportion: {@code p ± 1.96 × sqrt(p(1-p)/n)}.
 */
record ConversionChart(int width, int height, int left, int top, int plotWidth, int plotHeight, List<Bar> bars,
                       List<Tick> ticks) {

    static final int WIDTH = 420;
    static final int HEIGHT = 260;
    private static final int LEFT = 44;
    private static final int TOP = 12;
    private static final int RIGHT = 16;
    private static final int BOTTOM = 40;
    private static final int BAR = 90;

    /**
     * @param group sent or control
     * @param rate conversion in percent
     * @param low lower end of the interval, percent (not below 0)
     * @param high upper end, percent (not above 100)
     * @param whiskerTop y of {@code high}
     * @param whiskerBottom y of {@code low}
     */
    record Bar(String group, long clients, long buyers, double rate, double low, double high, int x, int y, int width,
               int height, int center, int whiskerTop, int whiskerBottom) {
    }

    /** A grid line at {@code percent}. */
    record Tick(int percent, int y) {
    }

    static ConversionChart of(CampaignReport.Conversion conversion) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        double[][] groups = {interval(conversion.sent()), interval(conversion.control())};
        double highest = Math.max(groups[0][2], groups[1][2]);
        // the axis ends at the next 5 % above the highest whisker, at least 5 %
        int axis = Math.max(5, (int) Math.ceil(highest / 5) * 5);
        String[] names = {"sent", "control"};
        CampaignReport.Group[] of = {conversion.sent(), conversion.control()};
        List<Bar> bars = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int center = LEFT + plotWidth * (2 * i + 1) / 4;
            int top = y(groups[i][0], axis, plotHeight);
            bars.add(new Bar(names[i], of[i].clients(), of[i].buyers(), groups[i][0], groups[i][1], groups[i][2],
                    center - BAR / 2, top, BAR, TOP + plotHeight - top, center, y(groups[i][2], axis, plotHeight),
                    y(groups[i][1], axis, plotHeight)));
        }
        int step = axis <= 10 ? 1 : axis <= 25 ? 5 : 10;
        List<Tick> ticks = new java.util.ArrayList<>();
        for (int t = 0; t <= axis; t += step) {
            ticks.add(new Tick(t, y(t, axis, plotHeight)));
        }
        return new ConversionChart(WIDTH, HEIGHT, LEFT, TOP, plotWidth, plotHeight, bars, ticks);
    }

    /** Rate, low and high in percent; an empty group is 0 with no interval. */
    static double[] interval(CampaignReport.Group group) {
        if (group.clients() == 0) {
            return new double[] {0, 0, 0};
        }
        double p = group.rate();
        double half = CampaignReports.Z95 * Math.sqrt(p * (1 - p) / group.clients());
        return new double[] {100 * p, 100 * Math.max(0, p - half), 100 * Math.min(1, p + half)};
    }

    private static int y(double percent, int axis, int plotHeight) {
        return (int) Math.round(TOP + plotHeight - percent * plotHeight / axis);
    }
}
