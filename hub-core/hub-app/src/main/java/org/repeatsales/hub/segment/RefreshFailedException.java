package org.repeatsales.hub.segment;

/** A refresh that changed nothing; carries its recorded report (status failed, message). */
public class RefreshFailedException extends RuntimeException {

    private final SegmentViews.Refresh refresh;

    RefreshFailedException(SegmentViews.Refresh refresh, Throwable cause) {
        super(refresh.message(), cause);
        this.refresh = refresh;
    }

    public SegmentViews.Refresh refresh() {
        return refresh;
    }
}
