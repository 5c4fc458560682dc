package org.repeatsales.hub.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.repeatsales.hub.console.LoginAttempts;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Password guessing through HTTP Basic meets the same lock as the console's login form: after 5
 * failures for a username (20 from an address) within a minute, Basic logins for it are refused
 * with 429 before the password is checked, correct or not. Bearer tokens are not limited here:
 * they are 32 random bytes, not guessable.
 */
class ApiLoginLimitFilter extends OncePerRequestFilter {

    private final LoginAttempts attempts;

    ApiLoginLimitFilter(LoginAttempts attempts) {
        this.attempts = attempts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String username = basicUsername(request.getHeader("Authorization"));
        if (username == null) {
            chain.doFilter(request, response);
            return;
        }
        if (attempts.locked(username, request.getRemoteAddr())) {
            response.setStatus(429);
            response.setHeader("Retry-After", String.valueOf(LoginAttempts.LOCK.toSeconds()));
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("{\"error\":\"Too Many Requests\",\"message\":\"Too many failed logins for this user or address; "
                    + "try again in a minute\"}");
            return;
        }
        chain.doFilter(request, response);
        // BasicAuthenticationFilter answers a wrong password with 401 and goes no further
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            attempts.failed(username, request.getRemoteAddr());
        } else {
            attempts.succeeded(username);
        }
    }

    /** The username of a Basic header, or null when there is none or it is unreadable. */
    static String basicUsername(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
