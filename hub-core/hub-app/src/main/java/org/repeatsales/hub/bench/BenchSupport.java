package org.repeatsales.hub.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;

/** Measuring helpers shared by the benchmarks. */
final class BenchSupport {

    private BenchSupport() {
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Highest heap use seen by a sampler every 10 ms. Summing the pools' own peaks would overstate
     * it (each pool peaks at a different moment) and could even exceed -Xmx.
     */
    private static final AtomicLong PEAK = new AtomicLong();

    static {
        Thread sampler = new Thread(() -> {
            while (true) {
                PEAK.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    static void resetPeakHeap() {
        System.gc();
        PEAK.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    static long peakHeapMb() {
        return PEAK.get() / (1024 * 1024);
    }

    /** Empties the benchmark's work folder from an earlier run. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
