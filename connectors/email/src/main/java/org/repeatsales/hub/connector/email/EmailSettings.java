package org.repeatsales.hub.connector.email;

import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The connector's settings ({@code hub.plugins.email.*}), read once at start. Bad or missing values
 * do not throw: they leave a {@link #problem()} that the connector reports as not ready.
 */
record EmailSettings(String host, int port, Security security, String user, String password, String from,
        int timeoutMillis, long retryAfterSeconds, String sslTrust, String problem) {

    enum Security {
        /** No encryption (a relay on the same host or a test server). */
        PLAIN(25),
        /** Plain connection upgraded with STARTTLS, which is required: never falls back to clear text. */
        STARTTLS(587),
        /** TLS from the first byte (SMTPS). */
        SSL(465);

        final int defaultPort;

        Security(int defaultPort) {
            this.defaultPort = defaultPort;
        }
    }

    static EmailSettings from(Map<String, String> config, UnaryOperator<String> env) {
        String host = blankToNull(config.get("host"));
        String from = blankToNull(config.get("from"));
        String user = blankToNull(config.get("user"));
        String passwordEnv = blankToNull(config.get("password-env"));
        String problem = null;
        Security security = Security.STARTTLS;
        String securityText = blankToNull(config.get("security"));
        if (securityText != null) {
            try {
                security = Security.valueOf(securityText.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem = "hub.plugins.email.security must be plain, starttls or ssl, got '" + securityText + "'";
            }
        }
        int port = security.defaultPort;
        int timeout = 10_000;
        long retryAfter = 300;
        try {
            port = intOr(config.get("port"), port);
            timeout = intOr(config.get("timeout-millis"), timeout);
            retryAfter = intOr(config.get("retry-after-seconds"), (int) retryAfter);
        } catch (NumberFormatException e) {
            problem = "hub.plugins.email.port, timeout-millis and retry-after-seconds must be whole numbers";
        }
        String password = null;
        if (passwordEnv != null) {
            password = env.apply(passwordEnv);
            if (password == null || password.isEmpty()) {
                // the variable's name is safe to show; its value never is
                problem = "environment variable " + passwordEnv + " (hub.plugins.email.password-env) is not set";
            }
        } else if (user != null) {
            problem = "hub.plugins.email.user is set but hub.plugins.email.password-env is not";
        }
        if (from == null) {
            problem = "hub.plugins.email.from is not set";
        }
        if (host == null) {
            problem = "hub.plugins.email.host is not set";
        }
        // hosts whose certificate is trusted without a CA chain (a relay with its own certificate)
        String sslTrust = blankToNull(config.get("ssl-trust"));
        return new EmailSettings(host, port, security, user, password, from, timeout, retryAfter, sslTrust, problem);
    }

    private static int intOr(String value, int otherwise) {
        return blankToNull(value) == null ? otherwise : Integer.parseInt(value.trim());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        // records print every component; the password must never reach a log
        return "EmailSettings[host=" + host + ", port=" + port + ", security=" + security + ", login=" + (user != null) + "]";
    }
}
