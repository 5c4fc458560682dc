package org.repeatsales.hub.routes.onec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one poll remembers of one 1C catalog (counterparties, or goods items and groups), by key:
 * at most {@link #capacity()} entries, the least recently used forgotten first, so a poll of a
 * base with more counterparties than that spends a bounded heap on them and asks 1C again for a
 * forgotten one when a later page names it. Not thread-safe: one poll's lookup thread uses it.
 */
final class CatalogMemory<V> {

    /** The bound of a poll's memory per catalog: a buyer is a few hundred bytes, so about 20 MB at most. */
    static final int ENTRIES_PER_CATALOG = 50_000;

    private final int capacity;
    private final LinkedHashMap<String, V> entries;

    CatalogMemory() {
        this(ENTRIES_PER_CATALOG);
    }

    CatalogMemory(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) { // access order: a lookup refreshes the entry
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CatalogMemory.this.capacity;
            }
        };
    }

    /** The remembered entry, or null; a hit makes it the most recently used. */
    V get(String key) {
        return entries.get(key);
    }

    void put(String key, V value) {
        entries.put(key, value);
    }

    int size() {
        return entries.size();
    }

    int capacity() {
        return capacity;
    }
}
