package org.repeatsales.hub.connector.email;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.repeatsales.hub.api.channel.DeliveryOutcome;

/** Turns what Jakarta Mail threw into the hub's delivery outcome, by SMTP reply code. */
final class SmtpFailures {

    private SmtpFailures() {
    }

    static DeliveryOutcome map(Exception e, Instant retryAt) {
        String raw = raw(e);
        Reply reply = reply(e);
        if (reply != null) {
            int code = reply.code;
            if (code >= 400 && code < 500) {
                return new DeliveryOutcome.RetryLater(retryAt, "SMTP " + code + " (temporary)");
            }
            // 550 no such mailbox, 551 user not local, 553 mailbox name not allowed: only when the
            // server said so of the recipient is the address gone; the same codes at MAIL FROM or
            // DATA are about us or the content
            if (reply.recipient && (code == 550 || code == 551 || code == 553)) {
                return new DeliveryOutcome.Unsubscribed("SMTP " + code + ": mailbox unavailable");
            }
            return new DeliveryOutcome.Failed("SMTP " + code, raw);
        }
        if (find(e, AuthenticationFailedException.class) != null) {
            return new DeliveryOutcome.Failed("SMTP authentication failed: check user and password", raw);
        }
        if (find(e, SSLHandshakeException.class) != null) {
            // an untrusted or mismatched certificate is a matter of settings: retrying cannot help
            return new DeliveryOutcome.Failed("TLS handshake with the SMTP server failed", raw);
        }
        if (find(e, SocketTimeoutException.class) != null || find(e, IOException.class) != null) {
            // nothing was accepted: connection refused, reset or timed out before the end of DATA
            return new DeliveryOutcome.RetryLater(retryAt, "SMTP server unreachable: " + e.getClass().getSimpleName());
        }
        return new DeliveryOutcome.Failed("SMTP error", raw);
    }

    private record Reply(int code, boolean recipient) {
    }

    private static Reply reply(Throwable e) {
        for (Throwable t : chain(e)) {
            if (t instanceof SMTPAddressFailedException a) {
                return new Reply(a.getReturnCode(), true);
            }
            if (t instanceof SMTPSenderFailedException s) {
                return new Reply(s.getReturnCode(), false);
            }
            if (t instanceof SMTPSendFailedException s) {
                // it wraps the per-recipient failures as the next exception; prefer those
                Reply inner = s.getNextException() == null ? null : reply(s.getNextException());
                return inner != null ? inner : new Reply(s.getReturnCode(), false);
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t : chain(e)) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The cause chain plus Jakarta Mail's "next exception" links, each once. */
    private static Iterable<Throwable> chain(Throwable e) {
        Set<Throwable> seen = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        todo.add(e);
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (t == null || !seen.add(t)) {
                continue;
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            if (t instanceof MessagingException m && m.getNextException() != null) {
                todo.add(m.getNextException());
            }
        }
        return seen;
    }

    /** The server's own words, kept for diagnosis; it holds no secrets (the password is never echoed). */
    private static String raw(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Set<String> once = new HashSet<>();
        for (Throwable t : chain(e)) {
            String m = t.getMessage();
            if (m != null && once.add(m.trim())) {
                sb.append(sb.length() == 0 ? "" : " | ").append(m.trim());
            }
        }
        return sb.length() == 0 ? e.getClass().getName() : sb.toString();
    }
}
