package org.repeatsales.hub.ingest;

/**
 * Receives what a reader makes of a file, record by record, so no file is ever held whole in
 * memory. Every data record of the input ends up in exactly one receipt or one rejection.
 */
public interface RecordSink {

    /** A receipt assembled from {@link ReceiptRecord#rows()} data records. */
    void receipt(ReceiptRecord receipt);

    /** One data record that cannot be imported. */
    void rejected(Rejection rejection);

    /** How many bytes of the input have been consumed so far (for progress reports). */
    default void progress(long bytesRead) {
    }
}
