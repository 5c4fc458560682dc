package org.repeatsales.hub.connector.telegram;

import java.net.URI;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The connector's settings ({@code hub.plugins.telegram.*}), read once at start. Bad or missing
 * values do not throw: they leave a {@link #problem()} that the connector reports as not ready.
 */
record TelegramSettings(URI baseUrl, String token, String botUsername, int ratePerSecond, int timeoutMillis,
        long retryAfterSeconds, long maxWaitSeconds, int pacingMarginMillis, String problem) {

    static final String DEFAULT_BASE_URL = "https://api.telegram.org";

    static TelegramSettings from(Map<String, String> config, UnaryOperator<String> env) {
        String problem = null;
        URI baseUrl = URI.create(DEFAULT_BASE_URL);
        String baseText = blankToNull(config.get("base-url"));
        if (baseText != null) {
            try {
                baseUrl = URI.create(baseText.endsWith("/") ? baseText.substring(0, baseText.length() - 1) : baseText);
                if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
                    problem = "hub.plugins.telegram.base-url must be an absolute http(s) URL, got '" + baseText + "'";
                }
            } catch (IllegalArgumentException e) {
                problem = "hub.plugins.telegram.base-url is not a URL: '" + baseText + "'";
            }
        }
        int rate = 30;
        int timeout = 10_000;
        long retryAfter = 30;
        long maxWait = 5;
        int margin = 20;
        try {
            rate = intOr(config.get("rate-per-second"), rate);
            timeout = intOr(config.get("timeout-millis"), timeout);
            retryAfter = intOr(config.get("retry-after-seconds"), (int) retryAfter);
            maxWait = intOr(config.get("max-wait-seconds"), (int) maxWait);
            margin = intOr(config.get("pacing-margin-millis"), margin);
            if (rate < 1 || timeout < 1 || retryAfter < 1 || maxWait < 0 || margin < 0) {
                problem = "hub.plugins.telegram.rate-per-second, timeout-millis and retry-after-seconds must be positive";
            }
        } catch (NumberFormatException e) {
            problem = "hub.plugins.telegram.rate-per-second, timeout-millis, retry-after-seconds, max-wait-seconds "
                    + "and pacing-margin-millis must be whole numbers";
        }
        String tokenEnv = blankToNull(config.get("token-env"));
        String token = null;
        if (tokenEnv == null) {
            problem = "hub.plugins.telegram.token-env is not set (the name of the variable holding the bot token)";
        } else {
            token = blankToNull(env.apply(tokenEnv));
            if (token == null) {
                // the variable's name is safe to show; its value never is
                problem = "environment variable " + tokenEnv + " (hub.plugins.telegram.token-env) is not set";
            }
        }
        String bot = blankToNull(config.get("bot-username"));
        if (bot != null && bot.startsWith("@")) {
            bot = bot.substring(1);
        }
        return new TelegramSettings(baseUrl, token, bot, rate, timeout, retryAfter, maxWait, margin, problem);
    }

    private static int intOr(String value, int otherwise) {
        return blankToNull(value) == null ? otherwise : Integer.parseInt(value.trim());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        // records print every component; the bot token must never reach a log
        return "TelegramSettings[baseUrl=" + baseUrl + ", bot=" + botUsername + ", ratePerSecond=" + ratePerSecond
                + ", token=" + (token != null ? "set" : "missing") + "]";
    }
}
