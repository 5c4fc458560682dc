package org.repeatsales.hub.routes.kontur;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * One configured Kontur.OFD cash register. A second register (or organisation) is a second
 * instance: each has its own watermark, so a register that lags never hides another's receipts.
 *
 * @param baseUrl the OFD API endpoint, e.g. {@code https://ofd-api.kontur.ru}; {@code /v2/organizations/...} is appended
 * @param authUrl the session endpoint ({@code authenticate-by-pass}): POST {@code ?login=} with the password as body,
 *     answers {@code {"Sid": "..."}}
 * @param apiKeyEnv name of the environment variable holding the integrator's API key (never its value)
 * @param passwordEnv name of the environment variable holding the password of {@code login}
 * @param cashRegisterId the register's registration number (РН ККТ)
 * @param pageSize documents per request, 1..1000 (the API's own limit)
 * @param overlap how far before the watermark each poll starts again: registers that were offline
 *     deliver receipts to the OFD late, with their original time
 * @param since where the first poll starts
 * @param zone the registers' local time, in which the API takes and gives dates
 */
public record KonturSettings(
        String id,
        String baseUrl,
        String authUrl,
        String login,
        String passwordEnv,
        String apiKeyEnv,
        String organizationId,
        String cashRegisterId,
        int pageSize,
        Duration overlap,
        LocalDateTime since,
        ZoneId zone) {

    public static final int MAX_PAGE_SIZE = 1000;
    public static final String DEFAULT_AUTH_URL = "https://api.kontur.ru/auth/authenticate-by-pass";

    public KonturSettings {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page-size of a Kontur.OFD source must be 1.." + MAX_PAGE_SIZE + ", not " + pageSize);
        }
    }
}
