package org.repeatsales.hub.imports;

import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Clean-up of import runs that a stop cut off. */
@Configuration(proxyBeanMethods = false)
class IngestConfiguration {

    @Bean
    ApplicationRunner markInterruptedImports(ImportRuns runs) {
        return args -> {
            int interrupted = runs.markInterrupted();
            if (interrupted > 0) {
                org.slf4j.LoggerFactory.getLogger(IngestConfiguration.class)
                        .warn("{} import run(s) were cut off by the last stop; import their files again to complete them", interrupted);
            }
        };
    }
}
