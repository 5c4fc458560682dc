package org.repeatsales.hub;

import java.util.Arrays;
import org.repeatsales.hub.bench.CampaignBenchmark;
import org.repeatsales.hub.bench.DispatchBenchmark;
import org.repeatsales.hub.bench.ImportBenchmark;
import org.repeatsales.hub.bench.OneCPeer;
import org.repeatsales.hub.bench.SegmentBenchmark;
import org.repeatsales.hub.bench.SourceBenchmark;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The hub: {@code java -jar hub-app-exec.jar} runs it; {@code ... bench-import},
 * {@code ... bench-segments}, {@code ... bench-campaigns}, {@code ... bench-dispatch} and
 * {@code ... bench-sources} run the benchmarks.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HubApplication {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("bench-import")) {
            ImportBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bench-campaigns")) {
            CampaignBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bench-dispatch")) {
            DispatchBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bench-sources")) {
            SourceBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals(OneCPeer.COMMAND)) { // the 1C base bench-sources polls, in a process of its own
            OneCPeer.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bench-segments")) {
            SegmentBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(HubApplication.class, args);
    }
}
