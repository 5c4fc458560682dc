package org.repeatsales.hub.routes.sources;

/**
 * A poll that cannot go on, with a message an admin can act on. Messages never carry secrets;
 * they name the environment variable that holds one.
 */
public class SourceException extends Exception {

    /** Why the poll stopped; decides whether a retry can help. */
    public enum Kind {
        /** 401/403 or a missing credential: retrying only locks the account, so fail at once. */
        AUTH,
        /** Timeouts, connection failures, 5xx, 429 after every retry. */
        UNAVAILABLE,
        /** The source answered something the mapper cannot read (bad JSON, missing fields). */
        MALFORMED,
        /** Any other refusal (404: the entity is not published, 400: a bad filter). */
        REJECTED
    }

    private final Kind kind;
    private final transient RawResponse raw;

    public SourceException(Kind kind, String message, RawResponse raw) {
        super(message);
        this.kind = kind;
        this.raw = raw;
    }

    public SourceException(Kind kind, String message, RawResponse raw, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.raw = raw;
    }

    public Kind kind() {
        return kind;
    }

    /** The response that caused it, to keep for diagnosis; null when there was none. */
    public RawResponse raw() {
        return raw;
    }
}
