package org.repeatsales.hub.imports;

import java.nio.file.Files;
import java.nio.file.Path;
import org.repeatsales.hub.config.HubProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Start-up checks of the import side: runs a stop cut off, and the mappings folder. */
@Configuration(proxyBeanMethods = false)
class IngestConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IngestConfiguration.class);

    @Bean
    ApplicationRunner markInterruptedImports(ImportRuns runs) {
        return args -> {
            int interrupted = runs.markInterrupted();
            if (interrupted > 0) {
                log.warn("{} import run(s) were cut off by the last stop; import their files again to complete them", interrupted);
            }
        };
    }

    /** Without mappings every CSV or Excel file would fail as "unknown layout": say why at once. */
    @Bean
    ApplicationRunner checkMappingsFolder(HubProperties hub) {
        return args -> {
            Path folder = hub.mappingsPath().toAbsolutePath().normalize();
            if (!Files.isDirectory(folder)) {
                log.warn("Mappings folder {} does not exist (hub.mappings-dir): CSV and Excel imports will fail until it"
                        + " holds column mappings; receipt JSON imports are not affected", folder);
            }
        };
    }
}
