package org.repeatsales.hub.campaign;

/** A change that the campaign's or run's current state does not allow (the API answers 409). */
public class CampaignStateException extends RuntimeException {

    public CampaignStateException(String message) {
        super(message);
    }
}
