package org.repeatsales.hub.routes.sources;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * Error handling shared by every live-source route. A poll records its own failures (run record,
 * source state); what reaches here is a bug, which is logged and must not stop the timer.
 */
public final class SourceErrorHandling extends RouteConfigurationBuilder {

    public static final String ID = "live-sources";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.ERROR, "Live source route ${routeId} failed: ${exception.message}");
    }
}
