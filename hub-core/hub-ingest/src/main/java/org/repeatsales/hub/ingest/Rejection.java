package org.repeatsales.hub.ingest;

/**
 * One data record of the input that could not be imported.
 *
 * @param line physical line in the file (header = line 1), Excel row, or JSON record number
 * @param raw the record as it was in the file (truncated when very long)
 * @param reason a sentence a person understands, naming the column or field at fault
 */
public record Rejection(long line, String raw, String reason) {
}
