package org.repeatsales.hub.routes.sources;

import java.util.List;
import org.apache.camel.builder.RouteBuilder;

/**
 * One timer route per configured live source instance: {@code source-<id>} polls on the period
 * {@code hub.sources.<id>.poll-period} after {@code hub.sources.<id>.first-poll-delay}. The
 * route only schedules: paging, retries and the watermark live in the source (plain code with
 * its own tests), and failures are recorded by the poll itself, so the shared
 * {@link SourceErrorHandling} only catches what escapes a poll.
 */
public final class SourceRoutes extends RouteBuilder {

    public static final String ROUTE_PREFIX = "source-";

    private final List<PolledSource> sources;

    public SourceRoutes(List<PolledSource> sources) {
        this.sources = List.copyOf(sources);
    }

    @Override
    public void configure() {
        for (PolledSource source : sources) {
            String id = source.id();
            // fixedRate=false: a slow poll delays the next one instead of piling up
            from("timer:" + ROUTE_PREFIX + id
                    + "?period={{hub.sources." + id + ".poll-period:5m}}"
                    + "&delay={{hub.sources." + id + ".first-poll-delay:10s}}")
                    .routeId(ROUTE_PREFIX + id)
                    .routeConfigurationId(SourceErrorHandling.ID)
                    .process(exchange -> exchange.getIn().setBody(source.poll("timer")));
        }
    }
}
