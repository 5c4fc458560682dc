package org.repeatsales.hub.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer tokens on the actuator: a user's API token (the user's role decides), or the configured
 * metrics token ({@code hub.security.metrics-token}), which carries only {@code ROLE_METRICS}: it
 * reads {@code /actuator/prometheus} and health details, and is unknown to the API chain.
 */
class ActuatorTokenFilter extends OncePerRequestFilter {

    static final String METRICS_ROLE = "METRICS";

    private final HubUsers users;
    private final byte[] metricsToken;

    ActuatorTokenFilter(HubUsers users, String metricsToken) {
        this.users = users;
        this.metricsToken = metricsToken == null || metricsToken.isBlank() ? null : metricsToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).trim();
            if (metricsToken != null && MessageDigest.isEqual(metricsToken, token.getBytes(StandardCharsets.UTF_8))) {
                SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("metrics-scraper", null,
                        List.of(new SimpleGrantedAuthority("ROLE_" + METRICS_ROLE))));
            } else {
                Optional<UserDetails> user = users.userOfToken(token);
                if (user.isEmpty()) {
                    response.setHeader("WWW-Authenticate", "Bearer realm=\"hub\", error=\"invalid_token\"");
                    response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Unknown or revoked token");
                    return;
                }
                SecurityContextHolder.getContext().setAuthentication(
                        new UsernamePasswordAuthenticationToken(user.get(), null, user.get().getAuthorities()));
            }
        }
        chain.doFilter(request, response);
    }
}
