package org.repeatsales.hub.campaign;

import org.repeatsales.hub.audit.AuditLog;
import org.springframework.stereotype.Component;

/**
 * The audit rows of changes to campaigns and runs, one wording for the API and the console, so a
 * change reads the same in the log whichever way it was made. The actor is whoever is signed in.
 */
@Component
public class CampaignAudit {

    private final AuditLog audit;

    CampaignAudit(AuditLog audit) {
        this.audit = audit;
    }

    /** Records {@code campaign.<action>} on the campaign with the state it is left in; returns it. */
    public CampaignViews.Campaign campaign(String action, CampaignViews.Campaign campaign) {
        audit.record("campaign." + action, "campaign:" + campaign.id(), "state " + campaign.state());
        return campaign;
    }

    /** Records {@code campaign.<action>} on the run with the state it is left in; returns it. */
    public CampaignViews.Run run(String action, CampaignViews.Run run) {
        audit.record("campaign." + action, "campaign-run:" + run.id(), "state " + run.state());
        return run;
    }

    /** Records that a campaign that never ran was deleted. */
    public void deleted(long campaignId) {
        audit.record("campaign.delete", "campaign:" + campaignId, "deleted");
    }
}
