package org.repeatsales.hub.routes.sources;

/** One configured instance of a live source that the hub polls on a schedule or on demand. */
public interface PolledSource {

    String id();

    String kind();

    /**
     * Runs one poll to its end (every page) and records it. Never throws for a source failure:
     * the outcome says it. Returns at once with {@link PollOutcome#busy} when a poll of this
     * source is already running.
     *
     * @param trigger who asked ("timer", "api") for the log
     */
    PollOutcome poll(String trigger);
}
