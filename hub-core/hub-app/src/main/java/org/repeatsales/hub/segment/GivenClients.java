package org.repeatsales.hub.segment;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The client ids a refresh's stream handed to its strategy. A strategy may assign only those: an id
 * it was not given (remembered from elsewhere, or made up) would put into the segment a client the
 * refresh did not read, or none at all. Checking each assignment against this set, in memory, spares
 * the refresh an anti-join of every assignment against the store (two seconds at a million clients).
 */
final class GivenClients {

    // ids are a bigserial: a bit each while they fit an int (a million clients take 125 KB)
    private final BitSet small = new BitSet();
    private final Set<Long> large = new HashSet<>();

    void add(long clientId) {
        if (clientId >= 0 && clientId <= Integer.MAX_VALUE) {
            small.set((int) clientId);
        } else {
            large.add(clientId);
        }
    }

    boolean contains(long clientId) {
        return clientId >= 0 && clientId <= Integer.MAX_VALUE ? small.get((int) clientId) : large.contains(clientId);
    }
}
