package org.repeatsales.hub.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.repeatsales.hub.ingest.RecordSink;
import org.repeatsales.hub.ingest.Rejection;

/**
 * The reader's side of an import: gathers records into batches (digesting each receipt on the
 * way) and hands them to the writer through a short queue, so the file is parsed on one core while
 * the previous batch is written on the other.
 */
final class BatchCollector implements RecordSink {

    /** One batch of data records, with the digest of each receipt in the same order. */
    record Batch(List<ReceiptRecord> receipts, List<String> hashes, List<Rejection> rejections, long bytesRead) {
    }

    private static final Batch END = new Batch(List.of(), List.of(), List.of(), -1);

    private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(2);
    private final int batchRows;
    private volatile boolean aborted;

    private List<ReceiptRecord> receipts = new ArrayList<>();
    private List<String> hashes = new ArrayList<>();
    private List<Rejection> rejections = new ArrayList<>();
    private int rows;
    private long bytesRead;

    BatchCollector(int batchRows) {
        this.batchRows = batchRows;
    }

    @Override
    public void receipt(ReceiptRecord receipt) {
        receipts.add(receipt);
        hashes.add(receipt.contentHash());
        rows += receipt.rows();
        handOffIfFull();
    }

    @Override
    public void rejected(Rejection rejection) {
        rejections.add(rejection);
        rows++;
        handOffIfFull();
    }

    @Override
    public void progress(long bytesRead) {
        this.bytesRead = bytesRead;
    }

    /** Reader side, when the file is done (or broke): hands off what is pending and closes the queue. */
    void finish(long bytesRead) {
        this.bytesRead = Math.max(this.bytesRead, bytesRead);
        if (rows > 0) {
            handOff();
        }
        put(END);
    }

    /** Writer side: the next batch, or null when the reader is done. */
    Batch take() throws InterruptedException {
        Batch b = queue.take();
        return b == END ? null : b;
    }

    /** Writer side, after a failure: the reader stops at its next hand-off. */
    void abort() {
        aborted = true;
        queue.clear();
    }

    private void handOffIfFull() {
        if (rows >= batchRows) {
            handOff();
        }
    }

    private void handOff() {
        put(new Batch(receipts, hashes, rejections, bytesRead));
        receipts = new ArrayList<>();
        hashes = new ArrayList<>();
        rejections = new ArrayList<>();
        rows = 0;
    }

    private void put(Batch batch) {
        try {
            while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                if (aborted) {
                    throw new ImportAbortedException();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImportAbortedException();
        }
    }

    /** Stops the reader when the writer has given up. */
    static final class ImportAbortedException extends RuntimeException {
        ImportAbortedException() {
            super("import aborted by the writer", null, false, false);
        }
    }
}
