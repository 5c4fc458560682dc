package org.repeatsales.hub.connector.sms;

import java.net.URI;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The connector's settings ({@code hub.plugins.sms.*}), read once at start. Bad or missing values
 * do not throw: they leave a {@link #problem()} that the connector reports as not ready.
 */
record SmsSettings(Dialect dialect, URI baseUrl, String apiId, String login, String password, String sender,
        int maxParts, int timeoutMillis, long retryAfterSeconds, long noFundsRetrySeconds, String problem) {

    enum Dialect {
        SMSRU("smsru", "https://sms.ru"),
        SMSC("smsc", "https://smsc.ru");

        final String key;
        final String defaultBaseUrl;

        Dialect(String key, String defaultBaseUrl) {
            this.key = key;
            this.defaultBaseUrl = defaultBaseUrl;
        }
    }

    static SmsSettings from(Map<String, String> config, UnaryOperator<String> env) {
        String problem = null;
        Dialect dialect = null;
        String dialectText = blankToNull(config.get("dialect"));
        if (dialectText == null) {
            problem = "hub.plugins.sms.dialect is not set (smsru or smsc)";
        } else {
            for (Dialect d : Dialect.values()) {
                if (d.key.equalsIgnoreCase(dialectText)) {
                    dialect = d;
                }
            }
            if (dialect == null) {
                problem = "hub.plugins.sms.dialect must be smsru or smsc, got '" + dialectText + "'";
            }
        }
        URI baseUrl = null;
        String baseText = blankToNull(config.get("base-url"));
        if (baseText == null && dialect != null) {
            baseText = dialect.defaultBaseUrl;
        }
        if (baseText != null) {
            try {
                baseUrl = URI.create(baseText.endsWith("/") ? baseText.substring(0, baseText.length() - 1) : baseText);
                if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
                    problem = "hub.plugins.sms.base-url must be an absolute http(s) URL, got '" + baseText + "'";
                }
            } catch (IllegalArgumentException e) {
                problem = "hub.plugins.sms.base-url is not a URL: '" + baseText + "'";
            }
        }
        int maxParts = 6;
        int timeout = 10_000;
        long retryAfter = 60;
        long noFundsRetry = 3600;
        try {
            int parts = intOr(config.get("max-parts"), maxParts);
            int millis = intOr(config.get("timeout-millis"), timeout);
            int retry = intOr(config.get("retry-after-seconds"), (int) retryAfter);
            int noFunds = intOr(config.get("no-funds-retry-seconds"), (int) noFundsRetry);
            if (parts >= 1 && millis >= 1 && retry >= 1 && noFunds >= 1) {
                maxParts = parts;
                timeout = millis;
                retryAfter = retry;
                noFundsRetry = noFunds;
            } else {
                // the defaults stay, so the connector can still be built and report the problem
                problem = "hub.plugins.sms.max-parts, timeout-millis, retry-after-seconds and no-funds-retry-seconds "
                        + "must be positive";
            }
        } catch (NumberFormatException e) {
            problem = "hub.plugins.sms.max-parts, timeout-millis, retry-after-seconds and no-funds-retry-seconds "
                    + "must be whole numbers";
        }
        String apiId = null;
        String login = blankToNull(config.get("login"));
        String password = null;
        if (dialect == Dialect.SMSRU) {
            String apiIdEnv = blankToNull(config.get("api-id-env"));
            if (apiIdEnv == null) {
                problem = "hub.plugins.sms.api-id-env is not set (the name of the variable holding the SMS.ru api_id)";
            } else if ((apiId = blankToNull(env.apply(apiIdEnv))) == null) {
                // the variable's name is safe to show; its value never is
                problem = "environment variable " + apiIdEnv + " (hub.plugins.sms.api-id-env) is not set";
            }
        } else if (dialect == Dialect.SMSC) {
            String passwordEnv = blankToNull(config.get("password-env"));
            if (login == null) {
                problem = "hub.plugins.sms.login is not set (the SMSC.ru login)";
            } else if (passwordEnv == null) {
                problem = "hub.plugins.sms.password-env is not set (the name of the variable holding the SMSC.ru password)";
            } else if ((password = blankToNull(env.apply(passwordEnv))) == null) {
                problem = "environment variable " + passwordEnv + " (hub.plugins.sms.password-env) is not set";
            }
        }
        return new SmsSettings(dialect, baseUrl, apiId, login, password, blankToNull(config.get("sender")), maxParts,
                timeout, retryAfter, noFundsRetry, problem);
    }

    private static int intOr(String value, int otherwise) {
        return blankToNull(value) == null ? otherwise : Integer.parseInt(value.trim());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        // records print every component; the api id and the password must never reach a log
        return "SmsSettings[dialect=" + (dialect == null ? null : dialect.key) + ", baseUrl=" + baseUrl + ", sender="
                + sender + ", maxParts=" + maxParts + ", credentials="
                + (apiId != null || password != null ? "set" : "missing") + "]";
    }
}
