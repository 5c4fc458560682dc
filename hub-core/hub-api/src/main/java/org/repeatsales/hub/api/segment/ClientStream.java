package org.repeatsales.hub.api.segment;

/**
 * The clients of the store, read as a stream: memory stays bounded whatever the size of the base.
 *
 * <p>Every {@link #open()} starts a fresh pass over all clients, in ascending client id, from the
 * same snapshot of the store; a strategy that needs a distribution first (quintiles) makes two
 * passes. Only the thread that called
 * {@link SegmentationStrategy#segment(SegmentationContext, ClientStream, SegmentAssignments)} may use
 * it, and only during that call.
 */
public interface ClientStream {

    /** A new pass over all clients; close it when done (try-with-resources). */
    Cursor open();

    /** One pass; not thread-safe. */
    interface Cursor extends java.util.Iterator<ClientFacts>, AutoCloseable {

        @Override
        void close();
    }
}
