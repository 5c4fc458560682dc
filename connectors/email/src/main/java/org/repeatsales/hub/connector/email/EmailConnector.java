package org.repeatsales.hub.connector.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.apache.commons.mail2.core.EmailException;
import org.apache.commons.mail2.jakarta.HtmlEmail;
import org.pf4j.Extension;
import org.repeatsales.hub.api.PluginContext;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.api.channel.ChannelConnector;
import org.repeatsales.hub.api.channel.ContentLimits;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.api.channel.Readiness;

/**
 * E-mail over SMTP. Commons Email builds each message (HTML with a plain-text alternative, UTF-8
 * subject, extra headers); the sending goes through one Jakarta Mail {@link Transport} kept open
 * between messages, because Commons Email's own {@code send()} opens and closes a connection per
 * message, which is what makes bulk sends slow. The transport is reopened after any failure, and
 * sends are serialised on it (one SMTP conversation at a time).
 */
@Extension
public class EmailConnector implements ChannelConnector {

    /** Large messages are clipped or junked by the big mail services well before SMTP limits. */
    private static final ContentLimits LIMITS = new ContentLimits(998, Integer.MAX_VALUE, true, 10L * 1024 * 1024);

    private final PluginContext context;
    private final EmailSettings settings;
    private final Session session;
    private final ReentrantLock lock = new ReentrantLock();
    private Transport transport;

    public EmailConnector(PluginContext context) {
        this(context, System::getenv);
    }

    EmailConnector(PluginContext context, UnaryOperator<String> env) {
        this.context = context;
        this.settings = EmailSettings.from(context.config(), env);
        this.session = settings.problem() == null ? inPluginLoader(() -> Session.getInstance(properties(settings))) : null;
        context.logger().log(Level.INFO, "E-mail connector: {0}", settings.problem() == null ? settings : settings.problem());
    }

    private static Properties properties(EmailSettings s) {
        Properties p = new Properties();
        String proto = s.security() == EmailSettings.Security.SSL ? "smtps" : "smtp";
        p.setProperty("mail.transport.protocol", proto);
        p.setProperty("mail." + proto + ".host", s.host());
        p.setProperty("mail." + proto + ".port", Integer.toString(s.port()));
        p.setProperty("mail." + proto + ".auth", Boolean.toString(s.user() != null));
        p.setProperty("mail." + proto + ".connectiontimeout", Integer.toString(s.timeoutMillis()));
        p.setProperty("mail." + proto + ".timeout", Integer.toString(s.timeoutMillis()));
        p.setProperty("mail." + proto + ".writetimeout", Integer.toString(s.timeoutMillis()));
        p.setProperty("mail." + proto + ".from", s.from());
        if (s.security() == EmailSettings.Security.STARTTLS) {
            p.setProperty("mail.smtp.starttls.enable", "true");
            p.setProperty("mail.smtp.starttls.required", "true");
        }
        if (s.security() != EmailSettings.Security.PLAIN) {
            if (s.sslTrust() != null) {
                // the admin vouches for these hosts' own certificates; any certificate they show is
                // accepted without a chain, so checking the name in it would add no protection
                p.setProperty("mail." + proto + ".ssl.trust", s.sslTrust());
                p.setProperty("mail." + proto + ".ssl.checkserveridentity", "false");
            } else {
                p.setProperty("mail." + proto + ".ssl.checkserveridentity", "true");
            }
        }
        return p;
    }

    @Override
    public String id() {
        return "email";
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public Readiness readiness() {
        return settings.problem() == null ? Readiness.ready() : Readiness.notReady(settings.problem());
    }

    @Override
    public ContentLimits contentLimits() {
        return LIMITS;
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message) {
        if (session == null) {
            return new DeliveryOutcome.Failed("not ready: " + settings.problem(), null);
        }
        return inPluginLoader(() -> sendInPluginLoader(message));
    }

    private DeliveryOutcome sendInPluginLoader(OutboundMessage message) {
        MimeMessage mime;
        try {
            mime = build(message);
        } catch (EmailException | MessagingException e) {
            // a bad address or header: nothing a retry would change
            return new DeliveryOutcome.Failed("Cannot build the message: " + e.getMessage(), null);
        }
        lock.lock();
        try {
            Transport t = openTransport();
            t.sendMessage(mime, mime.getAllRecipients());
            String id = mime.getMessageID();
            context.logger().log(Level.DEBUG, "Delivery {0} accepted: {1}", message.correlationId(), id);
            return new DeliveryOutcome.Delivered(id);
        } catch (MessagingException | RuntimeException e) {
            // the conversation may be half-way through: start the next send on a fresh connection
            closeTransport();
            DeliveryOutcome outcome = SmtpFailures.map(e, retryAt());
            context.logger().log(Level.INFO, "Delivery {0}: {1}", message.correlationId(), reason(outcome));
            return outcome;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Jakarta Mail and Activation find their providers through the thread's context class loader.
     * Inside the hub that is the application's loader, which may hold another copy of Jakarta Mail
     * whose classes are not the plugin's ("MailStreamProvider not a subtype"): every call into the
     * library runs with the plugin's own loader.
     */
    private static <T> T inPluginLoader(java.util.function.Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EmailConnector.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private MimeMessage build(OutboundMessage message) throws EmailException, MessagingException {
        HtmlEmail email = new HtmlEmail();
        email.setMailSession(session);
        email.setCharset(StandardCharsets.UTF_8.name());
        email.setFrom(settings.from());
        email.addTo(message.address());
        email.setSubject(message.subject() == null ? "" : message.subject());
        if (message.html() != null) {
            email.setHtmlMsg(message.html());
            email.setTextMsg(message.text());
        } else {
            email.setTextMsg(message.text());
        }
        for (Map.Entry<String, String> h : message.headers().entrySet()) {
            email.addHeader(h.getKey(), h.getValue());
        }
        email.addHeader("X-Hub-Delivery", message.correlationId());
        email.buildMimeMessage();
        MimeMessage mime = email.getMimeMessage();
        mime.saveChanges();
        return mime;
    }

    private Transport openTransport() throws MessagingException {
        if (transport != null && transport.isConnected()) {
            return transport;
        }
        closeTransport();
        Transport t = session.getTransport();
        if (settings.user() != null) {
            t.connect(settings.user(), settings.password());
        } else {
            t.connect();
        }
        transport = t;
        return t;
    }

    private void closeTransport() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                context.logger().log(Level.DEBUG, "Closing the SMTP connection failed: {0}", e.getMessage());
            }
            transport = null;
        }
    }

    private Instant retryAt() {
        return context.clock().instant().plusSeconds(settings.retryAfterSeconds());
    }

    private static String reason(DeliveryOutcome o) {
        if (o instanceof DeliveryOutcome.RetryLater r) {
            return "retry later, " + r.reason();
        }
        if (o instanceof DeliveryOutcome.Failed f) {
            return "failed, " + f.reason();
        }
        if (o instanceof DeliveryOutcome.Unsubscribed u) {
            return "unsubscribed, " + u.reason();
        }
        return "delivered";
    }

    @Override
    public void close() {
        inPluginLoader(() -> {
            lock.lock();
            try {
                closeTransport();
            } finally {
                lock.unlock();
            }
            return null;
        });
    }
}
