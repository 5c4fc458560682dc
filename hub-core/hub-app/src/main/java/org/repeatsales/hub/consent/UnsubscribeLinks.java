package org.repeatsales.hub.consent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.repeatsales.hub.api.channel.Channel;
import org.repeatsales.hub.config.HubProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Signed unsubscribe links: the token names a client and a channel and carries an HMAC-SHA256 of
 * both, so it cannot be made up, nor edited to unsubscribe another client or another channel.
 * The link stays valid for good: a client may click it in a years-old message.
 */
@Component
public class UnsubscribeLinks {

    private static final String KEY_FILE = "unsubscribe.key";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final String publicUrl;

    @Autowired
    UnsubscribeLinks(HubProperties hub, ChannelsProperties channels) {
        this(channels.unsubscribeSecret().isBlank() ? keyFile(hub.dataPath().resolve(KEY_FILE))
                : channels.unsubscribeSecret().getBytes(StandardCharsets.UTF_8), channels.publicUrl());
    }

    UnsubscribeLinks(byte[] key, String publicUrl) {
        if (key.length < 16) {
            throw new IllegalArgumentException("The unsubscribe secret must be at least 16 bytes");
        }
        this.key = key.clone();
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** The key generated at first start, so links survive restarts without any setting. */
    private static byte[] keyFile(Path file) {
        try {
            if (Files.exists(file)) {
                return Base64.getDecoder().decode(Files.readString(file).trim());
            }
            Files.createDirectories(file.getParent());
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            Files.writeString(file, Base64.getEncoder().encodeToString(fresh), StandardOpenOption.CREATE_NEW);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data folder's own permissions protect it
            }
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the unsubscribe key " + file, e);
        }
    }

    /** The token for one client on one channel. */
    public String token(long clientId, Channel channel) {
        return clientId + "." + channel.name() + "." + B64.encodeToString(mac(clientId, channel));
    }

    /** The full link a message carries, also used in {@code List-Unsubscribe}. */
    public String url(long clientId, Channel channel) {
        return publicUrl + "/u/" + token(clientId, channel);
    }

    /** The client and channel of a genuine token; empty for anything forged, edited or malformed. */
    public Optional<Target> verify(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            long clientId = Long.parseLong(parts[0]);
            Channel channel = Channel.valueOf(parts[1]);
            byte[] given = Base64.getUrlDecoder().decode(parts[2]);
            // constant time: the comparison must not reveal how much of a guess was right
            return MessageDigest.isEqual(given, mac(clientId, channel)) ? Optional.of(new Target(clientId, channel)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A key for another purpose (Telegram start tokens) derived from this one, so the hub keeps a
     * single secret while a signature made for one purpose is worthless for the other.
     */
    byte[] keyFor(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(("key:" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private byte[] mac(long clientId, Channel channel) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(("unsubscribe:v1:" + clientId + ":" + channel.name()).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Whom a link unsubscribes, and from what. */
    public record Target(long clientId, Channel channel) {
    }
}
