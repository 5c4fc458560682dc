package org.repeatsales.hub.connector.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The Google service-account key file (the JSON a Firebase project hands out under "Service
 * accounts"): who signs the token request, with which key, and where to send it.
 *
 * @param clientEmail the account, issuer of the signed assertion
 * @param privateKeyId the key's id, named in the assertion's header so Google picks the right public key
 * @param privateKey the RSA key the assertion is signed with
 * @param tokenUri where the assertion is exchanged for an access token
 * @param projectId the Firebase project of the account, or null when the file names none
 */
record ServiceAccount(String clientEmail, String privateKeyId, PrivateKey privateKey, URI tokenUri, String projectId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Thrown when the file cannot serve: the message says what is wrong with it, never the key. */
    static final class BadFileException extends Exception {
        BadFileException(String message) {
            super(message);
        }
    }

    static ServiceAccount read(Path file) throws BadFileException {
        if (!Files.exists(file)) {
            throw new BadFileException("does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadFileException("is not a readable file");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the file around the error, and the file holds the key
            throw new BadFileException("is not JSON (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new BadFileException("cannot be read: " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject()) {
            throw new BadFileException("is not a JSON object");
        }
        String type = text(root, "type");
        if (type != null && !type.equals("service_account")) {
            throw new BadFileException("is a key of type '" + type + "', not 'service_account'");
        }
        String clientEmail = required(root, "client_email");
        String pem = required(root, "private_key");
        String tokenUriText = required(root, "token_uri");
        URI tokenUri;
        try {
            tokenUri = URI.create(tokenUriText);
        } catch (IllegalArgumentException e) {
            throw new BadFileException("has a token_uri that is not a URL");
        }
        if (tokenUri.getScheme() == null || tokenUri.getHost() == null) {
            throw new BadFileException("has a token_uri that is not an absolute URL");
        }
        return new ServiceAccount(clientEmail, text(root, "private_key_id"), privateKey(pem), tokenUri,
                text(root, "project_id"));
    }

    /** The PKCS#8 PEM block Google writes ({@code -----BEGIN PRIVATE KEY-----}). */
    private static PrivateKey privateKey(String pem) throws BadFileException {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new BadFileException("has a PKCS#1 private_key; service-account files carry PKCS#8 (BEGIN PRIVATE KEY)");
        }
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new BadFileException("has a private_key that is not an RSA key in PEM (PKCS#8)");
        }
    }

    private static String required(JsonNode root, String field) throws BadFileException {
        String value = text(root, field);
        if (value == null) {
            throw new BadFileException("has no " + field);
        }
        return value;
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || !node.isTextual() || node.asText().isBlank() ? null : node.asText().trim();
    }

    @Override
    public String toString() {
        // records print every component: the private key must never reach a log
        return "ServiceAccount[" + clientEmail + ", key " + privateKeyId + ", token " + tokenUri + "]";
    }
}
