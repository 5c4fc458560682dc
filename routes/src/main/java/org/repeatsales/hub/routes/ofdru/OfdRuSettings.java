package org.repeatsales.hub.routes.ofdru;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * One configured OFD.ru account: the cash registers of one organisation (ИНН). Each register keeps
 * its own watermark inside the instance's, so a register that was offline for a week never holds
 * back (or hides) another's receipts.
 *
 * @param baseUrl the API endpoint, e.g. {@code https://ofd.ru}; {@code /api/...} is appended
 * @param tokenEnv name of the environment variable holding a ready AuthToken (an integration token
 *     issued in the OFD.ru account); when blank the source logs in with {@code login} and {@code passwordEnv}
 * @param passwordEnv name of the environment variable holding the password of {@code login}
 * @param inn the organisation's ИНН, as in the API's paths
 * @param cashRegisters registration numbers (РН ККТ) to poll; empty: every register the API lists for the ИНН
 * @param window the date range of one request: the API has no paging, so a request answers a
 *     whole range, and a busy register needs a short one
 * @param overlap how far before each register's watermark a poll starts again: registers that were
 *     offline deliver receipts to the OFD late, with their original time
 * @param since where the first poll of a register starts (or the register's first document, when later)
 * @param zone the registers' local time, in which the API takes and gives dates
 */
public record OfdRuSettings(
        String id,
        String baseUrl,
        String tokenEnv,
        String login,
        String passwordEnv,
        String inn,
        List<String> cashRegisters,
        Duration window,
        Duration overlap,
        LocalDateTime since,
        ZoneId zone) {

    public OfdRuSettings {
        cashRegisters = cashRegisters == null ? List.of() : cashRegisters.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window of an OFD.ru source must be positive, not " + window);
        }
        boolean token = tokenEnv != null && !tokenEnv.isBlank();
        boolean password = login != null && !login.isBlank() && passwordEnv != null && !passwordEnv.isBlank();
        if (!token && !password) {
            throw new IllegalArgumentException("an OFD.ru source needs token-env, or login and password-env");
        }
    }

    /** Whether the token is configured rather than obtained by logging in. */
    public boolean configuredToken() {
        return tokenEnv != null && !tokenEnv.isBlank();
    }
}
