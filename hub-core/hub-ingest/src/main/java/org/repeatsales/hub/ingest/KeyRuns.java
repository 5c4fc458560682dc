package org.repeatsales.hub.ingest;

import java.util.HashMap;
import java.util.Map;

/**
 * What a first pass over a CSV or Excel file learns about its receipt keys: which receipts'
 * rows are not all together. A run is a stretch of consecutive rows under one key; a receipt
 * with several runs that are not copies of each other is scattered over the file (sorted by
 * item, say) and is assembled only once its last row has been read.
 *
 * <p>Runs are compared by a 64-bit hash of their cells, so the pass holds a few numbers per key
 * and never a row.
 */
final class KeyRuns {

    private static final int RUNS = 0;
    private static final int FIRST_HASH = 1;
    private static final int ALL_SAME = 2;
    private static final int LAST_LINE = 3;

    private final Map<String, long[]> byKey = new HashMap<>();
    private String runKey;
    private long runHash;
    private long runLastLine;
    private Map<String, Long> scattered;

    /** One data row in file order; {@code key} null for a row that belongs to no receipt. */
    void row(long line, String key, String[] cells) {
        if (key == null) {
            endRun();
            return;
        }
        if (!key.equals(runKey)) {
            endRun();
            runKey = key;
            runHash = 1125899906842597L;
        }
        for (String cell : cells) {
            runHash = 31 * runHash + (cell == null ? 0 : cell.hashCode());
            runHash ^= runHash >>> 29;
        }
        runHash = 31 * runHash + 0x9E3779B97F4A7C15L; // a row boundary, so cells cannot shift between rows
        runLastLine = line;
    }

    /** Ends the pass; {@link #scattered()} is answered from here on. */
    void finish() {
        endRun();
        Map<String, Long> result = new HashMap<>();
        byKey.forEach((key, info) -> {
            if (info[RUNS] > 1 && info[ALL_SAME] == 0) {
                result.put(key, info[LAST_LINE]);
            }
        });
        byKey.clear();
        scattered = result;
    }

    /** Keys of scattered receipts with the line of their last row; empty for a file in receipt order. */
    Map<String, Long> scattered() {
        if (scattered == null) {
            throw new IllegalStateException("the pass is not finished");
        }
        return scattered;
    }

    private void endRun() {
        if (runKey == null) {
            return;
        }
        long[] info = byKey.get(runKey);
        if (info == null) {
            byKey.put(runKey, new long[] {1, runHash, 1, runLastLine});
        } else {
            info[RUNS]++;
            if (info[FIRST_HASH] != runHash) {
                info[ALL_SAME] = 0;
            }
            info[LAST_LINE] = runLastLine;
        }
        runKey = null;
    }
}
