package org.repeatsales.hub.imports;

/** Data records of a run by outcome; {@code rowsRead} is always their sum. */
final class ImportCounts {

    private long inserted;
    private long updated;
    private long unchanged;
    private long rejected;

    void inserted(long rows) {
        inserted += rows;
    }

    void updated(long rows) {
        updated += rows;
    }

    void unchanged(long rows) {
        unchanged += rows;
    }

    void rejected(long rows) {
        rejected += rows;
    }

    void add(ImportCounts other) {
        inserted += other.inserted;
        updated += other.updated;
        unchanged += other.unchanged;
        rejected += other.rejected;
    }

    long inserted() {
        return inserted;
    }

    long updated() {
        return updated;
    }

    long unchanged() {
        return unchanged;
    }

    long rejected() {
        return rejected;
    }

    long rowsRead() {
        return inserted + updated + unchanged + rejected;
    }
}
