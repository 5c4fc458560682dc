package org.repeatsales.hub.web;

import java.util.Map;
import java.util.NoSuchElementException;
import org.repeatsales.hub.campaign.CampaignRejectedException;
import org.repeatsales.hub.campaign.CampaignStateException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/** Errors as {@code {error, message}} with a message that names what to fix. */
@RestControllerAdvice
class ApiErrors {

    @ExceptionHandler({IllegalArgumentException.class, MissingServletRequestParameterException.class,
        MissingServletRequestPartException.class})
    ResponseEntity<Map<String, String>> badRequest(Exception e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(UserController.ForbiddenException.class)
    ResponseEntity<Map<String, String>> forbidden(UserController.ForbiddenException e) {
        return error(HttpStatus.FORBIDDEN, e.getMessage());
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<Map<String, String>> notFound(NoSuchElementException e) {
        return error(HttpStatus.NOT_FOUND, e.getMessage());
    }

    /** A campaign definition refused on save: every bad field with what is wrong with it. */
    @ExceptionHandler(CampaignRejectedException.class)
    ResponseEntity<Map<String, Object>> campaignRejected(CampaignRejectedException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", HttpStatus.BAD_REQUEST.getReasonPhrase(),
                "message", String.valueOf(e.getMessage()), "problems", e.problems()));
    }

    @ExceptionHandler(CampaignStateException.class)
    ResponseEntity<Map<String, String>> conflict(CampaignStateException e) {
        return error(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<Map<String, String>> tooLarge(MaxUploadSizeExceededException e) {
        return error(HttpStatus.PAYLOAD_TOO_LARGE, "The file is larger than the upload limit; drop it into the inbox folder instead");
    }

    static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", status.getReasonPhrase(), "message", String.valueOf(message)));
    }
}
