package org.repeatsales.hub.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rules for people's passwords and the scrape token of the metrics endpoint.
 *
 * @param passwordMinLength shortest password an admin may set for a user (characters)
 * @param metricsToken bearer token that may read {@code /actuator/prometheus} and health details and
 *                     nothing else, for a Prometheus server; empty: only admins may
 */
@ConfigurationProperties("hub.security")
public record AccessProperties(@DefaultValue("10") int passwordMinLength, @DefaultValue("") String metricsToken) {
}
