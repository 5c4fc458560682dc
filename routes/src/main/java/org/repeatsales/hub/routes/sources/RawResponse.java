package org.repeatsales.hub.routes.sources;

/**
 * A response as the source sent it, kept when a poll cannot use it. Holds no request headers, so
 * no credentials.
 *
 * @param page 1-based page of the poll, or 0 for a lookup outside the paging (a counterparty)
 */
public record RawResponse(String entity, int page, String url, int httpStatus, String body) {
}
