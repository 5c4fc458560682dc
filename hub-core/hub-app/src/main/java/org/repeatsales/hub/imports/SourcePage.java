package org.repeatsales.hub.imports;

import java.util.List;
import org.repeatsales.hub.ingest.ReceiptRecord;
import org.repeatsales.hub.ingest.Rejection;

/**
 * What one page of a live source brings: receipts to upsert, records it could not use, and keys of
 * receipts the source says are gone (deleted documents), all stored in one transaction.
 *
 * @param contentHashes each receipt's {@link ReceiptRecord#contentHash()}, in the same order
 * @param keySource the key namespace of {@code removedKeys} (the source instance id)
 */
public record SourcePage(List<ReceiptRecord> receipts, List<String> contentHashes, List<Rejection> rejections, String keySource,
                         List<String> removedKeys) {

    public SourcePage {
        receipts = List.copyOf(receipts);
        contentHashes = List.copyOf(contentHashes);
        if (contentHashes.size() != receipts.size()) {
            throw new IllegalArgumentException(contentHashes.size() + " content hashes for " + receipts.size() + " receipts");
        }
        rejections = List.copyOf(rejections);
        removedKeys = List.copyOf(removedKeys);
    }

    /** A page whose receipts' hashes are computed here. */
    public SourcePage(List<ReceiptRecord> receipts, List<Rejection> rejections, String keySource, List<String> removedKeys) {
        this(receipts, receipts.stream().map(ReceiptRecord::contentHash).toList(), rejections, keySource, removedKeys);
    }
}
