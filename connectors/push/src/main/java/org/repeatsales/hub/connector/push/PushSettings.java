package org.repeatsales.hub.connector.push;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The connector's settings ({@code hub.plugins.push.*}) and the service-account file they point
 * at, read once at start. Bad or missing values do not throw: they leave a {@link #problem()} that
 * the connector reports as not ready.
 */
record PushSettings(Path serviceAccountFile, ServiceAccount account, String projectId, URI baseUrl,
        int timeoutMillis, long retryAfterSeconds, long maxBackoffSeconds, long tokenRefreshMarginSeconds,
        String problem) {

    static final String DEFAULT_BASE_URL = "https://fcm.googleapis.com";

    static PushSettings from(Map<String, String> config) {
        String problem = null;
        URI baseUrl = URI.create(DEFAULT_BASE_URL);
        String baseText = blankToNull(config.get("base-url"));
        if (baseText != null) {
            try {
                baseUrl = URI.create(baseText.endsWith("/") ? baseText.substring(0, baseText.length() - 1) : baseText);
                if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
                    problem = "hub.plugins.push.base-url must be an absolute http(s) URL, got '" + baseText + "'";
                }
            } catch (IllegalArgumentException e) {
                problem = "hub.plugins.push.base-url is not a URL: '" + baseText + "'";
            }
        }
        int timeout = 10_000;
        long retryAfter = 30;
        long maxBackoff = 3600;
        long margin = 300;
        try {
            int millis = intOr(config.get("timeout-millis"), timeout);
            int retry = intOr(config.get("retry-after-seconds"), (int) retryAfter);
            int max = intOr(config.get("max-backoff-seconds"), (int) maxBackoff);
            int refresh = intOr(config.get("token-refresh-margin-seconds"), (int) margin);
            if (millis >= 1 && retry >= 1 && max >= retry && refresh >= 0 && refresh < 3000) {
                timeout = millis;
                retryAfter = retry;
                maxBackoff = max;
                margin = refresh;
            } else {
                // the defaults stay, so the connector can still be built and report the problem
                problem = "hub.plugins.push.timeout-millis and retry-after-seconds must be positive, max-backoff-seconds "
                        + "at least retry-after-seconds, token-refresh-margin-seconds between 0 and 2999";
            }
        } catch (NumberFormatException e) {
            problem = "hub.plugins.push.timeout-millis, retry-after-seconds, max-backoff-seconds and "
                    + "token-refresh-margin-seconds must be whole numbers";
        }
        Path file = null;
        ServiceAccount account = null;
        String fileText = blankToNull(config.get("service-account-file"));
        if (fileText == null) {
            problem = "hub.plugins.push.service-account-file is not set (the path of the Firebase service-account JSON key)";
        } else {
            try {
                file = Path.of(fileText);
                account = ServiceAccount.read(file);
            } catch (InvalidPathException e) {
                problem = "hub.plugins.push.service-account-file is not a path: '" + fileText + "'";
            } catch (ServiceAccount.BadFileException e) {
                problem = "service-account file " + file + " (hub.plugins.push.service-account-file) " + e.getMessage();
            }
        }
        String projectId = blankToNull(config.get("project-id"));
        if (projectId == null && account != null) {
            projectId = account.projectId();
        }
        if (account != null && projectId == null) {
            problem = "hub.plugins.push.project-id is not set and the service-account file names no project_id";
        } else if (projectId != null && !projectId.matches("[a-z0-9-]+")) {
            problem = "hub.plugins.push.project-id must be a Firebase project id (lower-case letters, digits, dashes), got '"
                    + projectId + "'";
        }
        return new PushSettings(file, account, projectId, baseUrl, timeout, retryAfter, maxBackoff, margin, problem);
    }

    private static int intOr(String value, int otherwise) {
        return blankToNull(value) == null ? otherwise : Integer.parseInt(value.trim());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        // the account's toString leaves the key out
        return "PushSettings[project=" + projectId + ", baseUrl=" + baseUrl + ", account="
                + (account == null ? "missing" : account.clientEmail()) + "]";
    }
}
