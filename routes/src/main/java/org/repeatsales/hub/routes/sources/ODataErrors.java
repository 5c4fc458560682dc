package org.repeatsales.hub.routes.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/** Reads the message out of an OData error body ({@code {"odata.error": {"message": {"value"}}}}). */
final class ODataErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ODataErrors() {
    }

    static Optional<String> messageOf(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode error = JSON.readTree(body).path("odata.error");
            JsonNode message = error.path("message");
            String text = message.isObject() ? message.path("value").asText("") : message.asText("");
            return text.isBlank() ? Optional.empty() : Optional.of(text);
        } catch (Exception e) {
            return Optional.empty(); // not OData JSON: the status line says enough
        }
    }
}
