package org.repeatsales.hub.ingest;

import java.time.Instant;
import java.util.Objects;

/**
 * What a sales file says about the buyer's consent to marketing on one channel (a consent column of
 * a CSV/Excel mapping), to be recorded in the client's consent history.
 *
 * @param channel {@code EMAIL}, {@code SMS} or {@code TELEGRAM}
 * @param given true for consent, false for a refusal
 * @param at when it was given or refused: the consent date column, or else the purchase time
 * @param address where it applies: the receipt's e-mail for EMAIL, its phone for SMS; null when
 *     the file has none
 * @param line the file line the value was read from (the proof, with the file's name)
 */
public record ConsentMark(String channel, boolean given, Instant at, String address, long line) {

    public ConsentMark {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(at, "at");
    }
}
