package org.repeatsales.hub.api.segment;

/**
 * Where a strategy writes its result. The hub buffers assignments in bounded batches and applies
 * them only when {@code segment} returns normally: if the strategy throws, nothing it assigned is
 * kept and the previous membership stays as it was.
 */
public interface SegmentAssignments {

    /**
     * Puts a client into a cell for this refresh. A client not assigned is not a member. Assigning a
     * client again replaces the earlier cell.
     *
     * @param clientId an id read from the {@link ClientStream}
     * @param cellCode one of the codes returned by {@link SegmentationStrategy#cells(Parameters)}
     * @throws IllegalArgumentException for an undeclared cell code
     */
    void assign(long clientId, String cellCode);
}
