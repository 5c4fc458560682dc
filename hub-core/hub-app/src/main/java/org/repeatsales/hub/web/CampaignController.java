package org.repeatsales.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.repeatsales.hub.campaign.CampaignAudit;
import org.repeatsales.hub.campaign.CampaignService;
import org.repeatsales.hub.campaign.CampaignViews;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Campaigns: definitions, their state, runs fired by hand or by the scheduler, and control of a run. */
@RestController
@RequestMapping("/api/v1/campaigns")
@Tag(name = "campaigns", description = "Campaign definitions, state, runs (manual and dry), pause, resume and stop")
class CampaignController {

    private final CampaignService campaigns;
    private final CampaignAudit audit;

    CampaignController(CampaignService campaigns, CampaignAudit audit) {
        this.campaigns = campaigns;
        this.audit = audit;
    }

    /** Every change to a campaign or a run is recorded with who made it (issue: audit log). */
    private CampaignViews.Campaign audited(String action, CampaignViews.Campaign campaign) {
        return audit.campaign(action, campaign);
    }

    private CampaignViews.Run audited(String action, CampaignViews.Run run) {
        return audit.run(action, run);
    }

    @Operation(summary = "All campaigns with state and next scheduled slot")
    @GetMapping
    List<CampaignViews.Campaign> list() {
        return campaigns.list();
    }

    @Operation(summary = "Save a campaign as a draft",
            description = "400 with {problems: [{field, message}]} naming every bad field of the definition")
    @PostMapping
    ResponseEntity<CampaignViews.Campaign> create(@RequestBody JsonNode definition, Authentication who) {
        return ResponseEntity.status(HttpStatus.CREATED).body(audited("create", campaigns.create(definition, who.getName())));
    }

    @Operation(summary = "One campaign")
    @GetMapping("/{id}")
    CampaignViews.Campaign get(@PathVariable long id) {
        return campaigns.get(id);
    }

    @Operation(summary = "Replace a campaign's definition (not of a stopped one); 400 names bad fields")
    @PutMapping("/{id}")
    CampaignViews.Campaign update(@PathVariable long id, @RequestBody JsonNode definition) {
        return audited("update", campaigns.update(id, definition));
    }

    @Operation(summary = "Delete a campaign that never ran (409 when it has runs: stop it instead)")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable long id) {
        campaigns.delete(id);
        audit.deleted(id);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Draft to active: checked again and scheduled")
    @PostMapping("/{id}/activate")
    CampaignViews.Campaign activate(@PathVariable long id) {
        return audited("activate", campaigns.activate(id));
    }

    @Operation(summary = "Active to paused: nothing more is fired until resumed")
    @PostMapping("/{id}/pause")
    CampaignViews.Campaign pause(@PathVariable long id) {
        return audited("pause", campaigns.pause(id));
    }

    @Operation(summary = "Paused to active; slots passed while paused are not fired")
    @PostMapping("/{id}/resume")
    CampaignViews.Campaign resume(@PathVariable long id) {
        return audited("resume", campaigns.resume(id));
    }

    @Operation(summary = "Stop for good; unfinished runs stop and their queued deliveries are cancelled")
    @PostMapping("/{id}/stop")
    CampaignViews.Campaign stop(@PathVariable long id) {
        return audited("stop", campaigns.stop(id));
    }

    @Operation(summary = "Fire a run now and answer with its frozen counts",
            description = "dryRun=true plans and counts in any state but never sends; a real run needs an active campaign (409)")
    @PostMapping("/{id}/run")
    ResponseEntity<CampaignViews.Run> run(@PathVariable long id,
                                          @Parameter(description = "plan and count only, send nothing")
                                          @RequestParam(defaultValue = "false") boolean dryRun) {
        return ResponseEntity.status(HttpStatus.CREATED).body(audited(dryRun ? "dry-run" : "run", campaigns.run(id, dryRun)));
    }

    @Operation(summary = "Runs of a campaign, newest first")
    @GetMapping("/{id}/runs")
    List<CampaignViews.Run> runs(@PathVariable long id, @RequestParam(defaultValue = "50") int limit) {
        return campaigns.runs(id, Math.min(Math.max(limit, 1), 1000));
    }

    @Operation(summary = "One run with its counts")
    @GetMapping("/runs/{runId}")
    CampaignViews.Run getRun(@PathVariable long runId) {
        return campaigns.run(runId);
    }

    @Operation(summary = "Dispatching to paused: its queued deliveries wait")
    @PostMapping("/runs/{runId}/pause")
    CampaignViews.Run pauseRun(@PathVariable long runId) {
        return audited("run.pause", campaigns.pauseRun(runId));
    }

    @Operation(summary = "Paused to dispatching")
    @PostMapping("/runs/{runId}/resume")
    CampaignViews.Run resumeRun(@PathVariable long runId) {
        return audited("run.resume", campaigns.resumeRun(runId));
    }

    @Operation(summary = "Stop a run: queued deliveries are cancelled in the same transaction")
    @PostMapping("/runs/{runId}/stop")
    CampaignViews.Run stopRun(@PathVariable long runId) {
        return audited("run.stop", campaigns.stopRun(runId));
    }
}
