package org.repeatsales.hub.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
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
 * no session and takes no cookies, so it needs no CSRF token. The API docs and actuator keep their
 * own stateless chain; everything else is the web console (see {@code ConsoleSecurityConfiguration}),
 * which comes last and has session, form login and CSRF.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiTokenFilter tokens) throws Exception {
        BasicAuthenticationEntryPoint unauthorized = new BasicAuthenticationEntryPoint();
        unauthorized.setRealmName("hub");
        unauthorized.afterPropertiesSet();
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.POST, "/api/v1/imports", "/api/v1/imports/**").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers(HttpMethod.POST, "/api/v1/sources/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/plugins", "/api/v1/plugins/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/api/v1/segments", "/api/v1/segments/**").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers(HttpMethod.POST, "/api/v1/clients/*/consents").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers("/api/v1/channels", "/api/v1/channels/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/audit", "/api/v1/audit/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/users", "/api/v1/users/**").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized))
                .addFilterBefore(tokens, BasicAuthenticationFilter.class)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .headers(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain publicSecurity(HttpSecurity http) throws Exception {
        // The one-click unsubscribe POST (RFC 8058) comes from mail clients without a session or CSRF
        // token, so /u/* belongs to this stateless chain and not to the console's.
        http.securityMatcher("/v3/api-docs/**", "/v3/api-docs", "/swagger-ui/**", "/swagger-ui.html", "/actuator/**", "/u/*")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/actuator/health").permitAll()
                        // unsubscribe links: the signed token is the authorisation (UnsubscribeLinks)
                        .requestMatchers("/u/*").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }
}
