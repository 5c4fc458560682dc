package org.repeatsales.hub.console;

import static org.repeatsales.hub.store.jooq.Tables.CLIENT;

import java.math.BigDecimal;
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
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The lifecycle matrix as a heatmap, and the members of any segment's cell. */
@Controller
class SegmentPages {

    static final String LIFECYCLE = "lifecycle";
    static final int PAGE = 100;

    private final SegmentService segments;
    private final SegmentRefresher refresher;
    private final DSLContext db;
    private final AuditLog audit;

    SegmentPages(SegmentService segments, SegmentRefresher refresher, DSLContext db, AuditLog audit) {
        this.segments = segments;
        this.refresher = refresher;
        this.db = db;
        this.audit = audit;
    }

    /** A cell of the heatmap; {@code heat} 0..1 of the fullest cell, for the colour. */
    record HeatCell(String code, String name, long count, BigDecimal revenue, double heat, String style) {
    }

    @GetMapping("/matrix")
    String matrix(Model model) {
        Optional<SegmentViews.Segment> lifecycle = segments.list().stream()
                .filter(s -> s.strategy().equals(LIFECYCLE))
                .max(Comparator.comparing(SegmentViews.Segment::id));
        if (lifecycle.isEmpty()) {
            return "matrix";
        }
        SegmentViews.Summary summary = segments.summary(lifecycle.get().id());
        long max = summary.cells().stream().mapToLong(SegmentViews.CellSummary::count).max().orElse(0);
        boolean english = LocaleContextHolder.getLocale().getLanguage().equals("en");
        List<HeatCell> cells = summary.cells().stream().map(c -> {
            double heat = max == 0 ? 0 : (double) c.count() / max;
            // light to dark blue; text turns white where the background gets dark
            String style = String.format(Locale.ROOT, "background: rgba(37, 99, 235, %.2f); color: %s",
                    0.08 + 0.82 * heat, heat > 0.55 ? "#fff" : "#111");
            return new HeatCell(c.code(), english ? c.nameEn() : c.name(), c.count(), c.revenue(), heat, style);
        }).toList();
        model.addAttribute("segment", lifecycle.get());
        model.addAttribute("summary", summary);
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
}
