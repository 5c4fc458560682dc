package org.repeatsales.hub.ingest;

import java.time.LocalDate;

/**
 * Who bought, as far as the source tells. Contacts are already normalised (see
 * {@link Contacts}): phone in E.164, e-mail trimmed and lower-cased; absent values are null.
 *
 * @param sourceKey the client's key in the source (a 1C counterparty reference, a loyalty card
 *     number), namespaced by the receipt's source when stored
 */
public record Buyer(String name, String phone, String email, String sourceKey, LocalDate birthday, String city) {

    public static final Buyer ANONYMOUS = new Buyer(null, null, null, null, null, null);

    /** A buyer the hub cannot recognise again: the receipt is kept but attached to no client. */
    public boolean isAnonymous() {
        return phone == null && email == null && sourceKey == null;
    }
}
