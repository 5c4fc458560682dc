package org.repeatsales.hub.ingest;

/**
 * The file as a whole cannot be read (binary content, unknown layout, wrong encoding, broken
 * JSON): the run fails with this message and nothing of the file is kept.
 */
public class UnreadableFileException extends Exception {

    public UnreadableFileException(String message) {
        super(message);
    }

    public UnreadableFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
