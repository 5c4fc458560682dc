package org.repeatsales.hub.ingest;

/** Receives the rows of a sheet or CSV file as cell values, with the row's line number. */
@FunctionalInterface
interface RowConsumer {

    void row(long line, String[] cells) throws UnreadableFileException;
}
