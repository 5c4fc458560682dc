package org.repeatsales.hub.imports;

/**
 * The transaction-scoped advisory lock of the store's clients. Every import batch takes it, so
 * identity resolution never races another import; a segment refresh takes it to write its
 * membership, and a deletion of clients takes it to remove theirs (the trigger of V19), so no
 * membership outlives its client.
 */
public final class IngestLock {

    /** The key of {@code pg_advisory_xact_lock}; V19's trigger names the same number. */
    public static final long KEY = 0x48554249L;

    private IngestLock() {
    }
}
