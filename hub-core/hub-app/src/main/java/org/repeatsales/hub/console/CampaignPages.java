package org.repeatsales.hub.console;

import static org.repeatsales.hub.store.jooq.Tables.DELIVERY;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jooq.DSLContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.campaign.CampaignAudit;
import org.repeatsales.hub.campaign.CampaignDefinition;
import org.repeatsales.hub.campaign.CampaignRejectedException;
import org.repeatsales.hub.campaign.CampaignService;
import org.repeatsales.hub.campaign.CampaignStateException;
import org.repeatsales.hub.campaign.CampaignValidator;
import org.repeatsales.hub.campaign.CampaignViews;
import org.repeatsales.hub.campaign.MessageTemplate;
import org.repeatsales.hub.campaign.RunPlanner;
import org.repeatsales.hub.campaign.TemplateValidator.Problem;
import org.repeatsales.hub.campaign.report.CampaignReport;
import org.repeatsales.hub.campaign.report.CampaignReports;
import org.repeatsales.hub.campaign.template.TemplatePreview;
import org.repeatsales.hub.plugin.Connectors;
import org.repeatsales.hub.segment.SegmentService;
import org.repeatsales.hub.segment.SegmentViews;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Campaigns in the console: the list with their last runs, the builder (audience with a live
 * count, channels in order with templates previewed for a real client, schedule, dry run), and
 * the reports of runs and campaigns with conversion against the control group. Everything goes
 * through the campaign service the API uses, and every change is audited by the same helper.
 */
@Controller
class CampaignPages {

    /** Runs shown on a campaign's page. */
    static final int RUNS = 20;
    private static final Set<String> UNFINISHED = Set.of("planning", "dispatching", "paused");

    private final CampaignService campaigns;
    private final CampaignValidator validator;
    private final CampaignReports reports;
    private final CampaignAudit audit;
    private final RunPlanner planner;
    private final TemplatePreview preview;
    private final SegmentService segments;
    private final Connectors connectors;
    private final DSLContext db;

    CampaignPages(CampaignService campaigns, CampaignValidator validator, CampaignReports reports, CampaignAudit audit,
                  RunPlanner planner, TemplatePreview preview, SegmentService segments, Connectors connectors, DSLContext db) {
        this.campaigns = campaigns;
        this.validator = validator;
        this.reports = reports;
        this.audit = audit;
        this.planner = planner;
        this.preview = preview;
        this.segments = segments;
        this.connectors = connectors;
        this.db = db;
    }

    /** A campaign of the list with what the list shows of its definition and latest run. */
    record Row(CampaignViews.Campaign campaign, String schedule, List<String> channels, CampaignViews.Run lastRun) {
    }

    @GetMapping("/campaigns")
    String list(Model model) {
        List<Row> rows = campaigns.list().stream().map(c -> {
            CampaignDefinition d = CampaignDefinition.parse(c.definition().toString());
            List<CampaignViews.Run> last = campaigns.runs(c.id(), 1);
            return new Row(c, schedule(d.schedule()), d.channelsOrEmpty().stream().map(s -> s.channel().name()).toList(),
                    last.isEmpty() ? null : last.get(0));
        }).toList();
        model.addAttribute("rows", rows);
        return "campaigns";
    }

    /** The schedule in a few words for the list: manual, once at a time, a cron, or the trigger. */
    private static String schedule(CampaignDefinition.Schedule s) {
        if (s == null || s.kind() == null) {
            return "";
        }
        return switch (s.kind()) {
            case CampaignDefinition.ONCE -> s.kind() + " " + s.at();
            case CampaignDefinition.CRON -> s.kind() + " " + s.cron();
            case CampaignDefinition.TRIGGER -> s.kind() + " " + (s.trigger() == null ? "" : s.trigger().kind()
                    + (s.trigger().days() == null ? "" : " " + s.trigger().days()));
            default -> s.kind();
        };
    }

    @GetMapping("/campaigns/new")
    String create(@RequestParam(required = false) Long segment, @RequestParam(required = false) String cell, Model model) {
        if (segment != null) {
            segments.get(segment);
        }
        Connectors.Status first = connectors.list().stream().filter(Connectors.Status::ready).findFirst().orElse(null);
        CampaignForm form = CampaignForm.fresh(segment, cell, first == null ? null : first.id(), first == null ? null : first.channel());
        return builder(null, form, List.of(), model);
    }

    @GetMapping("/campaigns/{id}/edit")
    String edit(@PathVariable long id, Model model) {
        CampaignViews.Campaign campaign = campaigns.get(id);
        return builder(campaign, CampaignForm.of(campaigns.definition(id)), List.of(), model);
    }

    /**
     * Saves a new campaign as a draft; {@code action=dry-run} also fires a dry run and opens its
     * report. A refused definition comes back with each problem next to its field.
     */
    @PostMapping("/campaigns")
    String save(@RequestParam MultiValueMap<String, String> posted, @RequestParam(defaultValue = "save") String action,
                Authentication who, Model model) {
        return save(null, posted, action, who, model);
    }

    @PostMapping("/campaigns/{id}")
    String update(@PathVariable long id, @RequestParam MultiValueMap<String, String> posted,
                  @RequestParam(defaultValue = "save") String action, Authentication who, Model model) {
        return save(campaigns.get(id), posted, action, who, model);
    }

    private String save(CampaignViews.Campaign existing, MultiValueMap<String, String> posted, String action,
                        Authentication who, Model model) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        CampaignForm form = CampaignForm.of(posted).read(json);
        List<Problem> problems = new ArrayList<>(form.problems());
        CampaignViews.Campaign saved = null;
        try {
            if (!problems.isEmpty()) {
                // the form's own problems stop the save; the validator still names the rest at once
                validator.validate(json, Instant.now());
            } else if (existing == null) {
                saved = audit.campaign("create", campaigns.create(json, who.getName()));
            } else {
                saved = audit.campaign("update", campaigns.update(existing.id(), json));
            }
        } catch (CampaignRejectedException e) {
            problems.addAll(e.problems());
        } catch (CampaignStateException e) {
            problems.add(new Problem("", e.getMessage()));
        }
        if (saved == null) {
            model.addAttribute("refused", true);
            return builder(existing, form, problems, model);
        }
        if ("dry-run".equals(action)) {
            CampaignViews.Run run = audit.run("dry-run", campaigns.run(saved.id(), true));
            return "redirect:/campaigns/runs/" + run.id();
        }
        return "redirect:/campaigns/" + saved.id();
    }

    /** A segment and its cells as the builder offers them for the audience. */
    record AudienceChoice(long segment, String name, long members, List<SegmentViews.CellSummary> cells, List<String> cellNames) {
    }

    private String builder(CampaignViews.Campaign campaign, CampaignForm form, List<Problem> problems, Model model) {
        boolean english = LocaleContextHolder.getLocale().getLanguage().equals("en");
        List<AudienceChoice> choices = segments.list().stream().map(s -> {
            SegmentViews.Summary summary = segments.summary(s.id());
            return new AudienceChoice(s.id(), s.name(), summary.total(), summary.cells(),
                    summary.cells().stream().map(c -> english ? c.nameEn() : c.name()).toList());
        }).toList();
        Set<String> fields = fields();
        Map<String, List<String>> byField = new LinkedHashMap<>();
        for (Problem p : problems) {
            byField.computeIfAbsent(form.fieldOf(p.field(), fields), f -> new ArrayList<>())
                    .add(p.field() == null || p.field().isBlank() ? p.message() : p.field() + ": " + p.message());
        }
        model.addAttribute("campaign", campaign);
        model.addAttribute("form", form);
        model.addAttribute("problems", byField);
        model.addAttribute("choices", choices);
        model.addAttribute("connectors", connectors.list());
        model.addAttribute("channelKinds", Channel.values());
        model.addAttribute("rowIndexes", java.util.stream.IntStream.range(0, CampaignForm.ROWS).boxed().toList());
        model.addAttribute("scheduleKinds", List.of(CampaignDefinition.MANUAL, CampaignDefinition.ONCE, CampaignDefinition.CRON,
                CampaignDefinition.TRIGGER));
        model.addAttribute("triggerKinds", List.of(CampaignDefinition.BIRTHDAY, CampaignDefinition.AFTER_FIRST_PURCHASE,
                CampaignDefinition.ENTERED_CELL, CampaignDefinition.NO_PURCHASE));
        model.addAttribute("previewClient", form.value("preview.client").isBlank() ? firstMember(form) : form.value("preview.client"));
        return "campaign-builder";
    }

    /** The builder's fields that problems are shown next to. */
    private static Set<String> fields() {
        Set<String> fields = new LinkedHashSet<>(List.of("name", "audience", "audience.conditions", "channels", "schedule.kind",
                "schedule.at", "schedule.cron", "schedule.trigger.kind", "schedule.trigger.days", "schedule.trigger.segment",
                "schedule.trigger.cell", "variables", "policy.controlShare", "policy.frequencyCap", "policy.attribution",
                "policy.quietFrom", "policy.quietTo"));
        for (int row = 0; row < CampaignForm.ROWS; row++) {
            for (String part : List.of("channel", "connector", "template.subject", "template.text", "template.html")) {
                fields.add(CampaignForm.channel(row, part));
            }
            fields.add("channels[" + row + "]");
        }
        return fields;
    }

    /** The client a template is previewed for until the marketer picks another: the first of the chosen audience. */
    private String firstMember(CampaignForm form) {
        for (String key : form.audience()) {
            int colon = key.indexOf(':');
            try {
                long segment = Long.parseLong(colon < 0 ? key : key.substring(0, colon));
                SegmentViews.MembersPage page = segments.members(segment, colon < 0 ? null : key.substring(colon + 1), 0, 1);
                if (!page.items().isEmpty()) {
                    return String.valueOf(page.items().get(0).clientId());
                }
            } catch (NumberFormatException | NoSuchElementException e) {
                // a choice that names no segment previews nobody; the validator names it on save
            }
        }
        return "";
    }

    /**
     * The live audience count of the builder: the planner's own selection counted, so the number is
     * the audience a run fired now starts from, before control group, cap and consent.
     */
    @PostMapping("/campaigns/audience")
    String audienceCount(@RequestParam MultiValueMap<String, String> posted, Model model) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        CampaignForm form = CampaignForm.of(posted).read(json);
        long campaignId = parseId(form.value("campaignId"));
        try {
            ObjectNode audienceOnly = JsonNodeFactory.instance.objectNode();
            audienceOnly.set("audience", json.get("audience"));
            CampaignDefinition d = CampaignDefinition.parse(audienceOnly);
            try {
                // a trigger narrows the audience to whom it is due; a schedule not finished yet counts without it
                ObjectNode withSchedule = audienceOnly.deepCopy();
                withSchedule.set("schedule", json.get("schedule"));
                d = CampaignDefinition.parse(withSchedule);
            } catch (JsonProcessingException e) {
                model.addAttribute("scheduleIgnored", true);
            }
            model.addAttribute("count", planner.audienceCount(d, campaignId));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            model.addAttribute("problem", e.getMessage());
        }
        model.addAttribute("empty", form.audience().isEmpty() && form.value("audience.conditions").isBlank());
        return "campaign-fragments :: audience";
    }

    /** A channel row's template rendered for one client, with what saving it would refuse. */
    @PostMapping("/campaigns/preview")
    String preview(@RequestParam MultiValueMap<String, String> posted, Model model) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        CampaignForm form = CampaignForm.of(posted).read(json);
        int row = (int) Math.max(0, Math.min(CampaignForm.ROWS - 1, parseId(form.value("preview.row"))));
        String channel = form.value(CampaignForm.channel(row, "channel"));
        long client = parseId(form.value("preview.client"));
        if (channel.isBlank() || client <= 0) {
            model.addAttribute("missing", true);
            return "campaign-fragments :: preview";
        }
        Map<String, String> variables = new LinkedHashMap<>();
        if (json.has("variables")) {
            json.get("variables").fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
        }
        Long segment = form.audience().stream().findFirst()
                .map(k -> parseId(k.contains(":") ? k.substring(0, k.indexOf(':')) : k)).filter(id -> id > 0).orElse(null);
        MessageTemplate template = new MessageTemplate(blankToNull(form.value(CampaignForm.channel(row, "template.subject"))),
                blankToNull(form.value(CampaignForm.channel(row, "template.text"))),
                blankToNull(form.value(CampaignForm.channel(row, "template.html"))));
        try {
            model.addAttribute("preview", preview.preview(Channel.valueOf(channel), template, client, variables, segment));
        } catch (NoSuchElementException | IllegalArgumentException e) {
            model.addAttribute("problem", e.getMessage());
        }
        return "campaign-fragments :: preview";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static long parseId(String s) {
        try {
            return s == null || s.isBlank() ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A campaign: its definition in short, its runs, and what all its real runs brought back. */
    @GetMapping("/campaigns/{id}")
    String campaign(@PathVariable long id, Model model) {
        CampaignViews.Campaign campaign = campaigns.get(id);
        CampaignReport report = reports.campaign(id);
        model.addAttribute("campaign", campaign);
        model.addAttribute("definition", CampaignDefinition.parse(campaign.definition().toString()));
        model.addAttribute("schedule", schedule(CampaignDefinition.parse(campaign.definition().toString()).schedule()));
        model.addAttribute("runs", campaigns.runs(id, RUNS));
        model.addAttribute("report", report);
        model.addAttribute("chart", ConversionChart.of(report.conversion()));
        return "campaign";
    }

    /** Changes of a campaign's state from the list or its page, audited as the API's are. */
    @PostMapping("/campaigns/{id}/{action:activate|pause|resume|stop|delete|dry-run|run}")
    String change(@PathVariable long id, @PathVariable String action, RedirectAttributes redirect) {
        try {
            switch (action) {
                case "activate" -> audit.campaign(action, campaigns.activate(id));
                case "pause" -> audit.campaign(action, campaigns.pause(id));
                case "resume" -> audit.campaign(action, campaigns.resume(id));
                case "stop" -> audit.campaign(action, campaigns.stop(id));
                case "delete" -> {
                    campaigns.delete(id);
                    audit.deleted(id);
                    redirect.addFlashAttribute("done", "delete");
                    return "redirect:/campaigns";
                }
                default -> {
                    CampaignViews.Run run = audit.run(action, campaigns.run(id, action.equals("dry-run")));
                    return "redirect:/campaigns/runs/" + run.id();
                }
            }
            redirect.addFlashAttribute("done", action);
        } catch (CampaignStateException | CampaignRejectedException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/campaigns/" + id;
    }

    /** Where a run's deliveries are now, counted by state: what the page follows while the run goes on. */
    record Progress(CampaignViews.Run run, boolean done, Map<String, Integer> byStatus) {

        public int count(String status) {
            return byStatus.getOrDefault(status, 0);
        }
    }

    private Progress progress(long runId) {
        CampaignViews.Run run = campaigns.run(runId);
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        db.select(DELIVERY.STATUS, org.jooq.impl.DSL.count()).from(DELIVERY).where(DELIVERY.RUN_ID.eq(runId))
                .groupBy(DELIVERY.STATUS).fetch().forEach(r -> byStatus.put(r.value1(), r.value2()));
        return new Progress(run, !UNFINISHED.contains(run.state()), byStatus);
    }

    @GetMapping("/campaigns/runs/{runId}")
    String run(@PathVariable long runId, Model model) {
        CampaignReport report = reports.run(runId);
        model.addAttribute("report", report);
        model.addAttribute("progress", progress(runId));
        model.addAttribute("campaign", campaigns.get(report.campaignId()));
        model.addAttribute("chart", ConversionChart.of(report.conversion()));
        return "campaign-run";
    }

    /** The fragment a running run's page polls; once the run is over it says so and the page reloads with the report. */
    @GetMapping("/campaigns/runs/{runId}/progress")
    String runProgress(@PathVariable long runId, Model model) {
        model.addAttribute("progress", progress(runId));
        return "campaign-fragments :: progress";
    }

    @PostMapping("/campaigns/runs/{runId}/{action:pause|resume|stop}")
    String changeRun(@PathVariable long runId, @PathVariable String action, RedirectAttributes redirect) {
        try {
            switch (action) {
                case "pause" -> audit.run("run.pause", campaigns.pauseRun(runId));
                case "resume" -> audit.run("run.resume", campaigns.resumeRun(runId));
                default -> audit.run("run.stop", campaigns.stopRun(runId));
            }
            redirect.addFlashAttribute("done", action);
        } catch (CampaignStateException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/campaigns/runs/" + runId;
    }
}
