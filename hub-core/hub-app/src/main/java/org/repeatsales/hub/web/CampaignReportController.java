package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.repeatsales.hub.campaign.report.CampaignReport;
import org.repeatsales.hub.campaign.report.CampaignReports;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** What campaigns sent and brought back, against their control groups. */
@RestController
@Tag(name = "campaign reports", description = "Counts, conversion and uplift of campaign runs")
class CampaignReportController {

    private final CampaignReports reports;

    CampaignReportController(CampaignReports reports) {
        this.reports = reports;
    }

    @Operation(summary = "Report of one run: counts, deliveries, conversion against the control group, uplift with a 95% interval")
    @GetMapping("/api/v1/campaigns/runs/{runId}/report")
    CampaignReport run(@PathVariable long runId) {
        return reports.run(runId);
    }

    @Operation(summary = "Report of a campaign: every run that was not a dry run, added up")
    @GetMapping("/api/v1/campaigns/{id}/report")
    CampaignReport campaign(@PathVariable long id) {
        return reports.campaign(id);
    }
}
