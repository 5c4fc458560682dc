package org.repeatsales.hub.console;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The console's chain: everything the API and docs chains do not match. People log in through a
 * form and keep a session, so every state-changing form carries a CSRF token; headers forbid framing
 * and scripts from elsewhere. Role rules mirror the API's: analysts read, marketers and admins change.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ConsoleSecurityConfiguration {

    // inline styles and the few inline scripts of the templates; nothing is loaded from other origins
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
            + "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain consoleSecurity(HttpSecurity http, LoginAttempts attempts) throws Exception {
        SavedRequestAwareAuthenticationSuccessHandler toPageAsked = new SavedRequestAwareAuthenticationSuccessHandler();
        toPageAsked.setDefaultTargetUrl("/");
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/console.css", "/console.js", "/favicon.ico", "/error").permitAll()
                        .requestMatchers(HttpMethod.POST, "/imports", "/matrix", "/segments/*/refresh").hasAnyRole("ADMIN", "MARKETER")
                        // analysts read campaigns and their reports; the builder and every change are for marketers and admins
                        .requestMatchers(HttpMethod.POST, "/campaigns", "/campaigns/**").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers("/campaigns/new", "/campaigns/*/edit").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers("/sources", "/sources/**", "/plugins", "/plugins/**", "/channels", "/channels/**").hasRole("ADMIN")
                        // exports take the base away as a file: analysts get masked pages but no file
                        .requestMatchers("/segments/*/members.csv").hasAnyRole("ADMIN", "MARKETER")
                        .requestMatchers("/users", "/users/**", "/audit").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .formLogin(form -> form
                        .loginPage("/login")
                        .successHandler((request, response, auth) -> {
                            attempts.succeeded(request.getParameter("username"));
                            toPageAsked.onAuthenticationSuccess(request, response, auth);
                        })
                        .failureHandler((request, response, e) -> {
                            attempts.failed(request.getParameter("username"), request.getRemoteAddr());
                            response.sendRedirect(request.getContextPath() + "/login?error");
                        })
                        .permitAll())
                .addFilterBefore(new LoginLockFilter(attempts), UsernamePasswordAuthenticationFilter.class)
                .logout(logout -> logout
                        .logoutUrl("/logout")
                        .logoutSuccessUrl("/login?logout")
                        .deleteCookies("JSESSIONID"))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(f -> f.deny()));
        return http.build();
    }
}
