package org.repeatsales.hub.routes;

import java.nio.file.Path;

/**
 * What the inbox route hands each dropped file to. The hub's import service implements it; the
 * route only knows files and outcomes.
 */
@FunctionalInterface
public interface InboxImporter {

    /**
     * Imports one file completely and says how it went. Must not throw for bad content: a file
     * that cannot be imported is a failed outcome with a message, not an exception.
     */
    Outcome importFile(Path file);

    /** The import run the file produced and whether it went through. */
    record Outcome(long runId, boolean succeeded, String message) {
    }
}
