package org.repeatsales.hub.ingest;

/**
 * What {@link SalesFileReader} found out about a file.
 *
 * @param mapping the mapping used, null for receipt JSON
 * @param encoding the charset the text was decoded with, null for Excel
 * @param bytes size of the file
 */
public record ReadResult(FileFormat format, String mapping, String encoding, long bytes) {
}
