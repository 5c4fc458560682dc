package org.repeatsales.hub.imports;

/** The store refused a batch; the batch was rolled back and the run stops. */
class StoreWriteException extends RuntimeException {

    StoreWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
