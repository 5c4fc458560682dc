package org.repeatsales.hub.campaign;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.springframework.scheduling.support.CronExpression;

/** When a campaign fires next, from its schedule, in the business's zone. */
final class Schedules {

    private Schedules() {
    }

    /**
     * Spring's six-field cron (seconds first), or the classic five fields, which get second 0.
     *
     * @throws IllegalArgumentException when it is not a cron expression
     */
    static CronExpression cron(String text) {
        String trimmed = text.trim();
        String[] fields = trimmed.split("\\s+");
        return CronExpression.parse(fields.length == 5 ? "0 " + trimmed : trimmed);
    }

    /**
     * The first slot strictly after {@code after}, or null when there is none: a manual campaign, a
     * once-campaign whose moment has passed, or a cron that never fires.
     *
     * @param triggerCron the cron of trigger campaigns without their own
     */
    static Instant next(CampaignDefinition.Schedule schedule, Instant after, ZoneId zone, String triggerCron) {
        if (schedule == null || schedule.kind() == null) {
            return null;
        }
        return switch (schedule.kind()) {
            case CampaignDefinition.ONCE -> {
                Instant at = schedule.at() == null ? null : schedule.at().atZone(zone).toInstant();
                yield at != null && at.isAfter(after) ? at : null;
            }
            case CampaignDefinition.CRON -> nextOf(cron(schedule.cron()), after, zone);
            case CampaignDefinition.TRIGGER -> nextOf(cron(schedule.cron() == null || schedule.cron().isBlank()
                    ? triggerCron : schedule.cron()), after, zone);
            default -> null;
        };
    }

    private static Instant nextOf(CronExpression cron, Instant after, ZoneId zone) {
        ZonedDateTime next = cron.next(after.atZone(zone));
        return next == null ? null : next.toInstant();
    }
}
