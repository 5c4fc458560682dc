package org.repeatsales.hub.connector.email;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.net.SocketTimeoutException;
import java.time.Instant;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.junit.jupiter.api.Test;
import org.repeatsales.hub.api.channel.DeliveryOutcome;

/** Reply codes as Jakarta Mail reports them, mapped to outcomes (the shapes Angus Mail throws). */
class SmtpFailuresTest {

    private static final Instant LATER = Instant.parse("2026-11-24T10:05:00Z");

    private static SendFailedException rcpt(int code, String text) throws Exception {
        InternetAddress to = new InternetAddress("gone@example.org");
        SendFailedException outer = new SendFailedException("Invalid Addresses");
        outer.setNextException(new SMTPAddressFailedException(to, "RCPT TO", code, text));
        return new SendFailedException("Invalid Addresses", outer, new Address[0], new Address[0], new Address[] {to});
    }

    @Test
    void shouldMapMailboxUnavailableAtRecipientToUnsubscribed() throws Exception {
        assertThat(SmtpFailures.map(rcpt(550, "550 5.1.1 User unknown"), LATER)).isInstanceOf(DeliveryOutcome.Unsubscribed.class);
        assertThat(SmtpFailures.map(rcpt(551, "551 User not local"), LATER)).isInstanceOf(DeliveryOutcome.Unsubscribed.class);
        assertThat(SmtpFailures.map(rcpt(553, "553 Mailbox name not allowed"), LATER)).isInstanceOf(DeliveryOutcome.Unsubscribed.class);
    }

    @Test
    void shouldMapTemporaryReplyToRetryLater() throws Exception {
        DeliveryOutcome outcome = SmtpFailures.map(rcpt(451, "451 4.7.1 Greylisted, try again"), LATER);

        assertThat(outcome).isEqualTo(new DeliveryOutcome.RetryLater(LATER, "SMTP 451 (temporary)"));
    }

    @Test
    void shouldFailWithRawAnswerWhenContentIsRejected() {
        SMTPSendFailedException data = new SMTPSendFailedException("DATA", 554, "554 5.7.1 Message rejected as spam",
                null, new Address[0], new Address[0], new Address[0]);

        DeliveryOutcome outcome = SmtpFailures.map(data, LATER);

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Failed("SMTP 554", "554 5.7.1 Message rejected as spam"));
    }

    @Test
    void shouldFailWhenSenderIsRefusedEvenWith550() throws Exception {
        SMTPSenderFailedException sender = new SMTPSenderFailedException(new InternetAddress("shop@example.org"),
                "MAIL FROM", 550, "550 5.7.1 Sender not allowed");

        assertThat(SmtpFailures.map(sender, LATER)).isInstanceOf(DeliveryOutcome.Failed.class);
    }

    @Test
    void shouldRetryLaterOnTimeout() {
        MessagingException e = new MessagingException("Exception reading response", new SocketTimeoutException("Read timed out"));

        assertThat(SmtpFailures.map(e, LATER)).isInstanceOf(DeliveryOutcome.RetryLater.class);
    }
}
