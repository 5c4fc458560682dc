package org.repeatsales.hub.connector.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.connector.email.EmailConnector;

/**
 * The e-mail benchmark: a GreenMail SMTP server in this JVM receives the same messages (HTML with a
 * plain-text alternative, Cyrillic subject and body, one-click unsubscribe headers) once through the
 * e-mail connector and once through plain Jakarta Mail with one reused {@link Transport} (the
 * reference), in alternating rounds after a warm-up of both. Prints messages per second and the
 * ratio. {@code bin/hub bench-email [--messages N] [--rounds N]}.
 */
public final class EmailBenchmark {

    private static final String FROM = "shop@example.org";

    private EmailBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args, Map.of("--messages", "5000", "--rounds", "2",
                "--warmup", "500"));
        int count = Integer.parseInt(options.get("--messages"));
        int rounds = Integer.parseInt(options.get("--rounds"));
        int warmup = Integer.parseInt(options.get("--warmup"));
        List<OutboundMessage> messages = messages(count);

        GreenMail smtp = new GreenMail(new ServerSetup(3025, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        int port = smtp.getSmtp().getPort();
        try {
            EmailConnector connector = new EmailConnector(new PluginContext("email", Map.of(
                    "host", "127.0.0.1",
                    "port", Integer.toString(port),
                    "security", "plain",
                    "from", FROM), Clock.systemUTC(), BenchOptions.quietLogger("email")));
            Reference reference = new Reference(port);

            String loadBefore = BenchOptions.loadAverage();
            run("warm-up reference", messages.subList(0, Math.min(warmup, count)), reference::send, smtp);
            run("warm-up connector", messages.subList(0, Math.min(warmup, count)), connector::send, smtp);

            System.out.printf(Locale.ROOT, "E-mail benchmark: %d messages a run to GreenMail SMTP on 127.0.0.1:%d "
                    + "(HTML + text, Cyrillic, List-Unsubscribe), %d rounds after %d warm-up messages each%n%n",
                    count, port, rounds, Math.min(warmup, count));
            System.out.printf(Locale.ROOT, "%-28s %9s %9s %12s%n", "run", "messages", "seconds", "messages/s");
            double referenceSeconds = 0;
            double connectorSeconds = 0;
            for (int r = 1; r <= rounds; r++) {
                // alternating, so neither side always runs on a warmer or a more loaded machine
                referenceSeconds += print("reference round " + r, count, run("reference", messages, reference::send, smtp));
                connectorSeconds += print("connector round " + r, count, run("connector", messages, connector::send, smtp));
            }
            connector.close();
            reference.close();
            double referenceRate = count * rounds / referenceSeconds;
            double connectorRate = count * rounds / connectorSeconds;
            double ratio = connectorRate / referenceRate;
            System.out.printf(Locale.ROOT, "%-28s %9d %9.2f %12.0f%n", "reference (Jakarta Mail)", count * rounds,
                    referenceSeconds, referenceRate);
            System.out.printf(Locale.ROOT, "%-28s %9d %9.2f %12.0f%n%n", "connector", count * rounds, connectorSeconds,
                    connectorRate);
            System.out.printf(Locale.ROOT, "machine load average (1 min) before / after: %s / %s%n", loadBefore,
                    BenchOptions.loadAverage());
            System.out.printf(Locale.ROOT, "target: connector >= 0.80 of the reference -> %.2f (%s)%n", ratio,
                    ratio >= 0.8 ? "met" : "NOT met");
        } finally {
            smtp.stop();
        }
    }

    /** Sends every message, checks each was accepted and arrived, and answers the seconds it took. */
    private static double run(String what, List<OutboundMessage> messages, Sender sender, GreenMail smtp)
            throws Exception {
        smtp.purgeEmailFromAllMailboxes();
        long start = System.nanoTime();
        for (OutboundMessage message : messages) {
            DeliveryOutcome outcome = sender.send(message);
            if (!(outcome instanceof DeliveryOutcome.Delivered)) {
                throw new IllegalStateException(what + ": " + message.correlationId() + " not delivered: " + outcome);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int received = smtp.getReceivedMessages().length;
        if (received != messages.size()) {
            throw new IllegalStateException(what + ": GreenMail received " + received + " of " + messages.size());
        }
        return seconds;
    }

    private static double print(String run, int count, double seconds) {
        System.out.printf(Locale.ROOT, "%-28s %9d %9.2f %12.0f%n", run, count, seconds, count / seconds);
        return seconds;
    }

    /** The same N messages for both sides: one per client, personalised like a campaign's. */
    static List<OutboundMessage> messages(int count) {
        String[] names = {"Анна", "Сергей", "Мария", "Дмитрий", "Елена", "Алексей", "Ольга", "Иван"};
        List<OutboundMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = names[i % names.length];
            String text = name + ", здравствуйте!\n\nВы давно не заходили в «Кофейню на Тверской». До воскресенья для "
                    + "вас скидка 10% на зерновой кофе и десерты по промокоду КОФЕ" + (1000 + i % 9000) + ".\n\n"
                    + "Ждём вас: ул. Тверская, 12, ежедневно с 8:00 до 22:00.\nОтписаться: https://hub.example/u/" + i;
            String html = "<!DOCTYPE html><html><body style=\"font-family:Arial,sans-serif\">"
                    + "<h1 style=\"color:#6b3e26\">" + name + ", здравствуйте!</h1>"
                    + "<p>Вы давно не заходили в <b>«Кофейню на Тверской»</b>. До воскресенья для вас скидка "
                    + "<b>10%</b> на зерновой кофе и десерты по промокоду <code>КОФЕ" + (1000 + i % 9000) + "</code>.</p>"
                    + "<table><tr><td>Эспрессо</td><td>150 ₽</td></tr><tr><td>Капучино</td><td>220 ₽</td></tr>"
                    + "<tr><td>Чизкейк</td><td>310 ₽</td></tr></table>"
                    + "<p>Ждём вас: ул. Тверская, 12, ежедневно с 8:00 до 22:00.</p>"
                    + "<p style=\"font-size:11px;color:#888\"><a href=\"https://hub.example/u/" + i
                    + "\">Отписаться от рассылки</a></p></body></html>";
            messages.add(new OutboundMessage("client" + i + "@example.ru", name + ", для вас скидка 10% на кофе",
                    html, text, Map.of(), "bench-" + i).withUnsubscribe("https://hub.example/u/" + i));
        }
        return messages;
    }

    @FunctionalInterface
    private interface Sender {
        DeliveryOutcome send(OutboundMessage message) throws Exception;
    }

    /**
     * Plain Jakarta Mail, written the way one would without a connector: one session, one transport
     * connected once, a multipart/alternative message per recipient.
     */
    private static final class Reference {
        private final Session session;
        private final Transport transport;

        Reference(int port) throws MessagingException {
            Properties p = new Properties();
            p.setProperty("mail.transport.protocol", "smtp");
            p.setProperty("mail.smtp.host", "127.0.0.1");
            p.setProperty("mail.smtp.port", Integer.toString(port));
            p.setProperty("mail.smtp.from", FROM);
            session = Session.getInstance(p);
            transport = session.getTransport();
            transport.connect();
        }

        DeliveryOutcome send(OutboundMessage message) throws MessagingException {
            MimeMessage mime = new MimeMessage(session);
            mime.setFrom(new InternetAddress(FROM));
            mime.setRecipient(Message.RecipientType.TO, new InternetAddress(message.address()));
            mime.setSubject(message.subject(), "UTF-8");
            mime.setSentDate(new Date());
            for (Map.Entry<String, String> h : message.headers().entrySet()) {
                mime.setHeader(h.getKey(), h.getValue());
            }
            MimeBodyPart text = new MimeBodyPart();
            text.setText(message.text(), "UTF-8");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(message.html(), "UTF-8", "html");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            mime.setContent(alternative);
            mime.saveChanges();
            transport.sendMessage(mime, mime.getAllRecipients());
            return new DeliveryOutcome.Delivered(mime.getMessageID());
        }

        void close() throws MessagingException {
            transport.close();
        }
    }
}
