package org.repeatsales.hub.routes.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class SourceRoutesTest {

    private final AtomicInteger polls = new AtomicInteger();

    private DefaultCamelContext start(PolledSource source) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("hub.sources.fake.poll-period", "50");
        props.put("hub.sources.fake.first-poll-delay", "0");
        camel.getPropertiesComponent().setInitialProperties(props);
        camel.addRoutes(new SourceErrorHandling());
        camel.addRoutes(new SourceRoutes(List.of(source)));
        camel.start();
        return camel;
    }

    private PolledSource source(boolean failing) {
        return new PolledSource() {
            @Override
            public String id() {
                return "fake";
            }

            @Override
            public String kind() {
                return "test";
            }

            @Override
            public PollOutcome poll(String trigger) {
                polls.incrementAndGet();
                if (failing) {
                    throw new IllegalStateException("bug in a poller");
                }
                return new PollOutcome(1, true, false, "ok");
            }
        };
    }

    @Test
    void shouldPollEachSourceOnItsConfiguredPeriod() throws Exception {
        try (DefaultCamelContext camel = start(source(false))) {
            NotifyBuilder three = new NotifyBuilder(camel).fromRoute("source-fake").whenCompleted(3).create();

            assertThat(three.matches(5, TimeUnit.SECONDS)).isTrue();
            assertThat(camel.getRoute("source-fake")).isNotNull();
        }
    }

    @Test
    void shouldKeepPollingAfterAPollThrows() throws Exception {
        try (DefaultCamelContext camel = start(source(true))) {
            NotifyBuilder three = new NotifyBuilder(camel).fromRoute("source-fake").whenDone(3).create();

            assertThat(three.matches(5, TimeUnit.SECONDS)).isTrue();
            assertThat(polls.get()).isGreaterThanOrEqualTo(3);
        }
    }
}
