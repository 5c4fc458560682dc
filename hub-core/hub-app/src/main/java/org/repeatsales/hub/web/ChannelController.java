package org.repeatsales.hub.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.repeatsales.hub.plugin.Connectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Lets an admin check a connector's settings by sending one message. */
@RestController
@Tag(name = "channels", description = "Channel connectors")
class ChannelController {

    private final Connectors connectors;

    ChannelController(Connectors connectors) {
        this.connectors = connectors;
    }

    record TestRequest(String address, String subject, String text, String html) {
    }

    @Operation(summary = "Send one test message through a started connector to the given address")
    @PostMapping("/api/v1/channels/{id}/test")
    ResponseEntity<Connectors.TestResult> test(@PathVariable String id, @RequestBody TestRequest request) {
        Connectors.TestResult result = connectors.testSend(id, request.address(), request.subject(), request.text(), request.html());
        return ResponseEntity.status(result.notReady() ? HttpStatus.CONFLICT : HttpStatus.OK).body(result);
    }
}
