package org.repeatsales.hub.console;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record3;
import org.repeatsales.hub.audit.AuditLog;
import org.repeatsales.hub.clients.ContactMask;
import org.repeatsales.hub.segment.RefreshFailedException;
import org.repeatsales.hub.segment.SegmentRefresher;
import org.repeatsales.hub.segment.SegmentService;
import org.repeatsales.hub.segment.SegmentViews;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.context.MessageSource;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The lifecycle matrix as a heatmap, every segment's cells with their figures, the members of a cell and their export. */
@Controller
class SegmentPages {

    static final String LIFECYCLE = "lifecycle";
    static final int PAGE = 100;

    private final SegmentService segments;
    private final SegmentRefresher refresher;
    private final DSLContext db;
    private final SegmentFigures figures;
    private final AuditLog audit;
    private final ConsoleTasks tasks;
    private final MessageSource messages;

    SegmentPages(SegmentService segments, SegmentRefresher refresher, DSLContext db, SegmentFigures figures, AuditLog audit,
                 ConsoleTasks tasks, MessageSource messages) {
        this.tasks = tasks;
        this.messages = messages;
        this.segments = segments;
        this.refresher = refresher;
        this.db = db;
        this.figures = figures;
        this.audit = audit;
    }

    /** A cell of the heatmap; {@code heat} 0..1 of the fullest cell, for the colour. */
    record HeatCell(String code, String name, long count, BigDecimal revenue, double heat, String style, long cameIn, long wentOut) {
    }

    @GetMapping("/matrix")
    String matrix(Authentication who, Model model) {
        Optional<SegmentViews.Segment> lifecycle = segments.list().stream()
                .filter(s -> s.strategy().equals(LIFECYCLE))
                .max(Comparator.comparing(SegmentViews.Segment::id));
        if (lifecycle.isEmpty()) {
            return "matrix";
        }
        SegmentViews.Summary summary = segments.summary(lifecycle.get().id());
        long max = summary.cells().stream().mapToLong(SegmentViews.CellSummary::count).max().orElse(0);
        boolean english = LocaleContextHolder.getLocale().getLanguage().equals("en");
        Map<String, SegmentFigures.Moves> moves = figures.latestMoves(lifecycle.get().id());
        List<HeatCell> cells = summary.cells().stream().map(c -> {
            SegmentFigures.Moves m = moves.getOrDefault(c.code(), new SegmentFigures.Moves(0, 0));
            double heat = max == 0 ? 0 : (double) c.count() / max;
            // light to dark blue; text turns white where the background gets dark
            String style = String.format(Locale.ROOT, "background: rgba(37, 99, 235, %.2f); color: %s",
                    0.08 + 0.82 * heat, heat > 0.55 ? "#fff" : "#111");
            return new HeatCell(c.code(), english ? c.nameEn() : c.name(), c.count(), c.revenue(), heat, style, m.in(), m.out());
        }).toList();
        model.addAttribute("segment", lifecycle.get());
        model.addAttribute("summary", summary);
        model.addAttribute("canExport", ConsoleUser.seesContacts(who));
        model.addAttribute("rows", cells.size() == 9 ? List.of(cells.subList(0, 3), cells.subList(3, 6), cells.subList(6, 9)) : List.of(cells));
        return "matrix";
    }

    /** Creates the lifecycle segment with the strategy's default parameters and fills it at once. */
    @PostMapping("/matrix")
    String createLifecycle(RedirectAttributes redirect) {
        try {
            SegmentViews.Segment segment = segments.create("Жизненный цикл", LIFECYCLE, Map.of());
            refresher.refresh(segment.id(), null);
        } catch (IllegalArgumentException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        } catch (RefreshFailedException e) {
            redirect.addFlashAttribute("problem", e.refresh().message());
        }
        return "redirect:/matrix";
    }

    /** A member with the contacts the viewer may see. */
    record MemberRow(SegmentViews.Member member, String phone, String email) {
    }

    @GetMapping("/segments/{id}/members")
    String members(@PathVariable long id, @RequestParam(required = false) String cell,
                   @RequestParam(defaultValue = "0") int offset, Authentication who, Model model) {
        SegmentViews.Segment segment = segments.get(id);
        SegmentViews.MembersPage page = segments.members(id, cell, Math.max(offset, 0), PAGE);
        boolean contacts = ConsoleUser.seesContacts(who);
        Map<Long, Record3<Long, String, String>> byId = db.select(CLIENT.ID, CLIENT.PHONE, CLIENT.EMAIL).from(CLIENT)
                .where(CLIENT.ID.in(page.items().stream().map(SegmentViews.Member::clientId).toList()))
                .fetchMap(CLIENT.ID);
        if (contacts && !page.items().isEmpty()) {
            audit.record(who.getName(), "segment.members", "segment:" + id + (cell == null || cell.isBlank() ? "" : "/" + cell),
                    AuditLog.clients("members with contacts, console", page.items().stream().map(SegmentViews.Member::clientId).toList()));
        }
        List<MemberRow> rows = page.items().stream().map(m -> {
            var c = byId.get(m.clientId());
            String phone = c == null ? null : c.value2();
            String email = c == null ? null : c.value3();
            return contacts ? new MemberRow(m, phone, email) : new MemberRow(m, ContactMask.phone(phone), ContactMask.email(email));
        }).toList();
        model.addAttribute("segment", segment);
        model.addAttribute("cell", cell);
        model.addAttribute("total", page.total());
        model.addAttribute("offset", Math.max(offset, 0));
        model.addAttribute("page", PAGE);
        model.addAttribute("rows", rows);
        model.addAttribute("masked", !contacts);
        return "members";
    }

    @GetMapping("/segments")
    String list(Model model) {
        model.addAttribute("segments", segments.list());
        return "segments";
    }

    /** A cell of a segment's page with its share of the members and of the window's revenue, and its latest movement. */
    record CellRow(String code, String name, long count, BigDecimal clientShare, BigDecimal revenue, BigDecimal windowRevenue,
                   BigDecimal revenueShare, long cameIn, long wentOut, int bar) {
    }

    @GetMapping("/segments/{id}")
    String segment(@PathVariable long id, Authentication who, Model model) {
        SegmentViews.Segment segment = segments.get(id);
        SegmentViews.Summary summary = segments.summary(id);
        boolean english = LocaleContextHolder.getLocale().getLanguage().equals("en");
        Instant asOf = segment.refreshedAt() == null ? Instant.now() : segment.refreshedAt();
        int window = windowDays(segment);
        Map<String, BigDecimal> windowRevenue = figures.windowRevenue(id, window, asOf);
        BigDecimal windowTotal = windowRevenue.get(null);
        Map<String, SegmentFigures.Moves> moves = figures.latestMoves(id);
        long maxCount = summary.cells().stream().mapToLong(SegmentViews.CellSummary::count).max().orElse(0);
        List<CellRow> cells = summary.cells().stream().map(c -> {
            SegmentFigures.Moves m = moves.getOrDefault(c.code(), new SegmentFigures.Moves(0, 0));
            BigDecimal inWindow = windowRevenue.getOrDefault(c.code(), BigDecimal.ZERO);
            return new CellRow(c.code(), english ? c.nameEn() : c.name(), c.count(),
                    SegmentFigures.percent(BigDecimal.valueOf(c.count()), BigDecimal.valueOf(summary.total())), c.revenue(),
                    inWindow, SegmentFigures.percent(inWindow, windowTotal), m.in(), m.out(),
                    maxCount == 0 ? 0 : (int) Math.round(100.0 * c.count() / maxCount));
        }).toList();
        model.addAttribute("segment", segment);
        model.addAttribute("summary", summary);
        model.addAttribute("cells", cells);
        model.addAttribute("window", window);
        model.addAttribute("windowTotal", windowTotal);
        model.addAttribute("canExport", ConsoleUser.seesContacts(who));
        model.addAttribute("refreshingSince", tasks.refreshingSince(id));
        model.addAttribute("refreshFailure", tasks.refreshFailure(id));
        cells.stream().filter(c -> c.code().equals(GOLDEN_CELL) && segment.strategy().equals(GOLDEN)).findFirst()
                .ifPresent(golden -> model.addAttribute("golden", golden));
        if (segment.strategy().equals(ABC)) {
            model.addAttribute("pareto", ParetoChart.of(figures.pareto(id, window, asOf), thresholds(segment)));
        }
        return "segment";
    }

    /**
     * Refreshes the segment in the background: on a large base a refresh takes longer than a page
     * should wait, so the segment's page answers at once and follows it (marketers and admins only).
     */
    @PostMapping("/segments/{id}/refresh")
    String refresh(@PathVariable long id, RedirectAttributes redirect) {
        segments.get(id);
        if (!tasks.startRefresh(id, () -> refresher.refresh(id, null))) {
            redirect.addFlashAttribute("busy", true);
        }
        return "redirect:/segments/" + id;
    }

    /** What the segment's page asks while a refresh started here runs; {@code done} tells it to reload. */
    @GetMapping(path = "/segments/{id}/refresh-progress", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> refreshProgress(@PathVariable long id, Locale locale) {
        Instant since = tasks.refreshingSince(id);
        if (since == null) {
            return Map.of("done", true);
        }
        long seconds = Duration.between(since, Instant.now()).toSeconds();
        return Map.of("done", false, "text", messages.getMessage("segment.refreshing", new Object[] {seconds}, locale));
    }

    static final String GOLDEN = "golden";
    static final String GOLDEN_CELL = "golden";
    static final String ABC = "abc";

    /** The strategy's window when it declares one (windowDays), else a year, the window the dashboard uses. */
    private static int windowDays(SegmentViews.Segment segment) {
        Object days = segment.parameters().get("windowDays");
        return days instanceof Number n && n.intValue() > 0 ? n.intValue() : 365;
    }

    /** Where ABC's A and B end on the revenue axis, percent. */
    private static List<Double> thresholds(SegmentViews.Segment segment) {
        Object a = segment.parameters().get("aShare");
        Object b = segment.parameters().get("bShare");
        if (a instanceof Number an && b instanceof Number bn) {
            return List.of(an.doubleValue(), an.doubleValue() + bn.doubleValue());
        }
        return List.of();
    }

    /**
     * The members as CSV for Excel, the same export as the API's: for marketers and admins only (the
     * console's security refuses analysts before this runs).
     */
    @GetMapping(path = "/segments/{id}/members.csv", produces = "text/csv")
    ResponseEntity<StreamingResponseBody> export(@PathVariable long id, @RequestParam(required = false) String cell,
                                                 Authentication who) {
        segments.get(id);
        // recorded before the first row leaves: an export that cannot be audited does not happen
        audit.record(who.getName(), "segment.export", "segment:" + id,
                "members CSV from the console" + (cell == null || cell.isBlank() ? "" : ", cell " + cell) + ", contacts visible");
        StreamingResponseBody body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            segments.exportMembers(id, cell, false, writer);
            writer.flush();
        };
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("segment-" + id + (cell == null || cell.isBlank() ? "" : "-" + cell) + ".csv").build().toString())
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(body);
    }
}
