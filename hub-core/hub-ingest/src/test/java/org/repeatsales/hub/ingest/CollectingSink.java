package org.repeatsales.hub.ingest;

import java.util.ArrayList;
import java.util.List;

/** Keeps everything a reader emits, for assertions. */
final class CollectingSink implements RecordSink {

    final List<ReceiptRecord> receipts = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();
    final List<Long> progress = new ArrayList<>();

    @Override
    public void receipt(ReceiptRecord receipt) {
        receipts.add(receipt);
    }

    @Override
    public void rejected(Rejection rejection) {
        rejections.add(rejection);
    }

    @Override
    public void progress(long bytesRead) {
        progress.add(bytesRead);
    }

    int rowsAccountedFor() {
        return receipts.stream().mapToInt(ReceiptRecord::rows).sum() + rejections.size();
    }

    Rejection rejectionAt(long line) {
        return rejections.stream().filter(r -> r.line() == line).findFirst()
                .orElseThrow(() -> new AssertionError("no rejection at line " + line + " in " + rejections));
    }
}
