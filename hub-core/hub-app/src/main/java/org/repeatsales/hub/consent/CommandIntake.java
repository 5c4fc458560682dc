package org.repeatsales.hub.consent;

import static org.repeatsales.hub.store.jooq.Tables.CHANNEL_INTAKE;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jooq.DSLContext;
import org.repeatsales.hub.api.channel.ClientCommand;
import org.repeatsales.hub.api.channel.ClientCommands;
import org.repeatsales.hub.api.channel.DeliveryOutcome;
import org.repeatsales.hub.api.channel.OutboundMessage;
import org.repeatsales.hub.plugin.ConnectorView;
import org.repeatsales.hub.plugin.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads what clients send to the hub's bots (Telegram {@code /start <token>}, {@code /stop}) by long
 * polling every ready connector that {@code receivesCommands}, one hub thread for all of them.
 *
 * <p>Long polling rather than a webhook: it needs no public HTTPS address, which a shop's hub behind
 * a router seldom has. The read position (Telegram's {@code update_id}) is stored in
 * {@code channel_intake} in the same transaction that applies the commands, and the next poll asks
 * after it, so after a crash or restart Telegram sends again exactly what was not stored, and
 * nothing that was. Answers to the client go out after the commit: a crash in between loses an
 * answer, never a consent change.
 */
@Component
public class CommandIntake {

    private static final Logger log = LoggerFactory.getLogger(CommandIntake.class);

    static final String LINKED = "Готово: вы подписались на сообщения магазина в Telegram. Чтобы отписаться, отправьте /stop.";
    static final String USED = "Эта ссылка уже использована. Попросите в магазине новую ссылку.";
    static final String EXPIRED = "Срок действия ссылки истёк. Попросите в магазине новую ссылку.";
    static final String UNKNOWN = "Ссылка не распознана. Откройте ссылку из сообщения магазина ещё раз или попросите новую.";
    static final String STOPPED = "Вы отписались от сообщений магазина в Telegram. Чтобы подписаться снова, "
            + "откройте новую ссылку от магазина.";

    private static final Duration EMPTY_PAUSE = Duration.ofSeconds(1);

    private final PluginRegistry plugins;
    private final TelegramLinks links;
    private final DSLContext db;
    private final TransactionTemplate tx;
    private final ChannelsProperties.Intake settings;
    private final Clock clock = Clock.systemUTC();
    private volatile Thread thread;

    CommandIntake(PluginRegistry plugins, TelegramLinks links, DSLContext db, TransactionTemplate tx,
            ChannelsProperties channels) {
        this.plugins = plugins;
        this.links = links;
        this.db = db;
        this.tx = tx;
        this.settings = channels.intake();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!settings.enabled()) {
            log.info("Reading clients' commands (Telegram /start, /stop) is off (hub.channels.intake.enabled)");
            return;
        }
        Thread t = new Thread(this::run, "command-intake");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @PreDestroy
    void stop() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            // interrupting also ends a long poll in flight (the JDK's HTTP client gives up on interrupt)
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (thread == Thread.currentThread()) {
            Duration pause;
            try {
                int applied = pollOnce(settings.pollWait());
                // nothing to poll (no Telegram connector): wait as long as a poll would; an empty
                // answer: a short pause, so an API that does not hold long polls is not hammered
                pause = applied < 0 ? settings.pollWait() : applied == 0 ? EMPTY_PAUSE : Duration.ZERO;
            } catch (RuntimeException e) {
                log.warn("Reading clients' commands failed, next try in {}: {}", settings.retryDelay(), e.getMessage());
                pause = settings.retryDelay();
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One long poll of every ready connector that receives commands.
     *
     * @return the commands applied, or -1 when no connector receives commands
     * @throws UncheckedIOException when a connector could not read (its position stays)
     */
    public synchronized int pollOnce(Duration wait) {
        List<ConnectorView> receiving = plugins.connectors().stream().filter(c -> c.receivesCommands() && c.ready()).toList();
        if (receiving.isEmpty()) {
            return -1;
        }
        int applied = 0;
        for (ConnectorView connector : receiving) {
            applied += poll(connector.id(), wait);
        }
        return applied;
    }

    private int poll(String connectorId, Duration wait) {
        long position = db.select(CHANNEL_INTAKE.LAST_POSITION).from(CHANNEL_INTAKE)
                .where(CHANNEL_INTAKE.CONNECTOR_ID.eq(connectorId)).fetchOptional(CHANNEL_INTAKE.LAST_POSITION).orElse(0L);
        ClientCommands read;
        try {
            read = plugins.withConnector(connectorId, c -> {
                try {
                    return c.receive(position, wait);
                } catch (IOException e) {
                    throw new UncheckedIOException("Connector " + connectorId + ": " + e.getMessage(), e);
                }
            });
        } catch (NoSuchElementException e) {
            return 0; // unloaded meanwhile
        }
        if (read.lastPosition() == position && read.commands().isEmpty()) {
            return 0;
        }
        List<OutboundMessage> answers = tx.execute(status -> {
            List<OutboundMessage> out = new ArrayList<>();
            Instant now = clock.instant();
            for (ClientCommand command : read.commands()) {
                out.add(new OutboundMessage(command.address(), null, null, apply(command, now), Map.of(),
                        "command-" + connectorId + "-" + command.position()));
            }
            db.insertInto(CHANNEL_INTAKE, CHANNEL_INTAKE.CONNECTOR_ID, CHANNEL_INTAKE.LAST_POSITION)
                    .values(connectorId, read.lastPosition())
                    .onConflict(CHANNEL_INTAKE.CONNECTOR_ID).doUpdate()
                    .set(CHANNEL_INTAKE.LAST_POSITION, read.lastPosition())
                    .set(CHANNEL_INTAKE.UPDATED_AT, OffsetDateTime.now(clock))
                    .execute();
            return out;
        });
        for (OutboundMessage answer : answers) {
            answer(connectorId, answer);
        }
        return read.commands().size();
    }

    private String apply(ClientCommand command, Instant now) {
        if (command.kind() == ClientCommand.Kind.STOP) {
            links.stop(command.address(), command.position());
            return STOPPED;
        }
        TelegramLinks.StartResult result = links.start(command.token(), command.address(), command.position(), now);
        if (result != TelegramLinks.StartResult.LINKED) {
            log.info("Telegram /start of update {} linked nothing: token {}", command.position(), result);
        }
        return switch (result) {
            case LINKED -> LINKED;
            case USED -> USED;
            case EXPIRED -> EXPIRED;
            case UNKNOWN -> UNKNOWN;
        };
    }

    private void answer(String connectorId, OutboundMessage message) {
        try {
            DeliveryOutcome outcome = plugins.withConnector(connectorId, c -> c.send(message));
            if (!(outcome instanceof DeliveryOutcome.Delivered)) {
                log.warn("Answer {} not delivered: {}", message.correlationId(), outcome.getClass().getSimpleName());
            }
        } catch (RuntimeException e) {
            log.warn("Answer {} not sent: {}", message.correlationId(), e.getMessage());
        }
    }
}
