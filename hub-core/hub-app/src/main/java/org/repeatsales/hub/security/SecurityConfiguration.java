package org.repeatsales.hub.security;

import org.repeatsales.hub.console.LoginAttempts;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Every API call is authenticated: HTTP Basic for people, bearer tokens for scripts. The API keeps
 * no session and takes no cookies, so it needs no CSRF token. The actuator and the API docs keep their
 * own stateless chains; everything else is the web console (see {@code ConsoleSecurityConfiguration}),
 * which comes last and has session, form login and CSRF.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfiguration {

    /**
     * The token filter is a bean, which Spring Boot would also run servlet-wide after the security
     * chains, where it would refuse the actuator's metrics token; it belongs to the API chain only.
     */
    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilterOnlyInTheApiChain(ApiTokenFilter tokens) {
        FilterRegistrationBean<ApiTokenFilter> registration = new FilterRegistrationBean<>(tokens);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiTokenFilter tokens, LoginAttempts attempts) throws Exception {
        BasicAuthenticationEntryPoint unauthorized = new BasicAuthenticationEntryPoint();
        unauthorized.setRealmName("hub");
        unauthorized.afterPropertiesSet();
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.POST, "/api/v1/imports", "/api/v1/imports/**").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers(HttpMethod.POST, "/api/v1/sources/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/plugins", "/api/v1/plugins/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/api/v1/segments", "/api/v1/segments/**").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers(HttpMethod.POST, "/api/v1/templates/**").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers(HttpMethod.GET, "/api/v1/campaigns", "/api/v1/campaigns/**").authenticated()
                        .requestMatchers("/api/v1/campaigns", "/api/v1/campaigns/**").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers(HttpMethod.POST, "/api/v1/clients/*/consents", "/api/v1/clients/*/telegram-link")
                                .hasAnyRole("ADMIN", "MARKETER")
                        // an export takes the base away as a file: not for analysts, even masked
                        .requestMatchers(HttpMethod.GET, "/api/v1/segments/*/members.csv").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers("/api/v1/channels", "/api/v1/channels/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/audit", "/api/v1/audit/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/users", "/api/v1/users/**").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized))
                .addFilterBefore(new ApiLoginLimitFilter(attempts), BasicAuthenticationFilter.class)
                .addFilterBefore(tokens, BasicAuthenticationFilter.class)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                // nosniff, no framing, no caching of answers that hold client data
                .headers(Customizer.withDefaults());
        return http.build();
    }

    /**
     * Actuator: the health summary ({@code UP}, {@code DEGRADED}, {@code DOWN}) is public for load
     * balancers and probes; its details, {@code /actuator/prometheus} and everything else need an
     * admin (Basic or API token) or, for health and prometheus only, the metrics token.
     */
    @Bean
    @Order(2)
    SecurityFilterChain actuatorSecurity(HttpSecurity http, HubUsers users, AccessProperties access, LoginAttempts attempts)
            throws Exception {
        BasicAuthenticationEntryPoint unauthorized = new BasicAuthenticationEntryPoint();
        unauthorized.setRealmName("hub");
        unauthorized.afterPropertiesSet();
        http.securityMatcher("/actuator", "/actuator/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/prometheus").hasAnyRole("ADMIN", ActuatorTokenFilter.METRICS_ROLE)
                        .anyRequest().hasRole("ADMIN"))
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized))
                .addFilterBefore(new ApiLoginLimitFilter(attempts), BasicAuthenticationFilter.class)
                .addFilterBefore(new ActuatorTokenFilter(users, access.metricsToken()), BasicAuthenticationFilter.class)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .headers(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain publicSecurity(HttpSecurity http) throws Exception {
        // The one-click unsubscribe POST (RFC 8058) comes from mail clients without a session or CSRF
        // token, so /u/* belongs to this stateless chain and not to the console's.
        http.securityMatcher("/v3/api-docs/**", "/v3/api-docs", "/swagger-ui/**", "/swagger-ui.html", "/u/*")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                        // unsubscribe links: the signed token is the authorisation (UnsubscribeLinks)
                        .requestMatchers("/u/*").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }
}
