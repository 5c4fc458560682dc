package org.repeatsales.hub.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Authenticates scripts by {@code Authorization: Bearer <token>}; an unknown token is a 401 at once. */
@Component
class ApiTokenFilter extends OncePerRequestFilter {

    private final HubUsers users;

    ApiTokenFilter(HubUsers users) {
        this.users = users;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Optional<UserDetails> user = users.userOfToken(header.substring(7).trim());
            if (user.isEmpty()) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"hub\", error=\"invalid_token\"");
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "Unknown or revoked API token");
                return;
            }
            var auth = new UsernamePasswordAuthenticationToken(user.get(), null, user.get().getAuthorities());
            SecurityContextHolder.getContext().setAuthentication(auth);
        }
        chain.doFilter(request, response);
    }
}
