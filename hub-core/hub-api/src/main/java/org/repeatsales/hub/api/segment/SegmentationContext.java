package org.repeatsales.hub.api.segment;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One refresh of one segment.
 *
 * @param asOf the moment the refresh computes for ("today" in date-relative rules)
 * @param zone the business's time zone: days are counted in it
 * @param parameters the segment's validated parameters
 * @param windowStart start of the statistics window the strategy asked for
 *     ({@link SegmentationStrategy#windowDays(Parameters)}), or null for none
 */
public record SegmentationContext(Instant asOf, ZoneId zone, Parameters parameters, Instant windowStart) {

    public SegmentationContext {
        Objects.requireNonNull(asOf, "asOf");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(parameters, "parameters");
    }

    /** The calendar date of {@link #asOf()} in the business's zone. */
    public LocalDate today() {
        return asOf.atZone(zone).toLocalDate();
    }

    /**
     * Whole calendar days from the date of {@code moment} to {@link #today()} in the business's zone:
     * 0 for a purchase made today, 1 for yesterday's, whatever the hour.
     */
    public long daysSince(Instant moment) {
        return ChronoUnit.DAYS.between(moment.atZone(zone).toLocalDate(), today());
    }
}
