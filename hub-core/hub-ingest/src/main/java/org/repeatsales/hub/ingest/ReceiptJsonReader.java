package org.repeatsales.hub.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneId;

/**
 * TEMPORARY stand-in so {@link SalesFileReader} compiles on its own branch: replaced on merge by
 * the real receipt JSON reader, which has the same constructor and {@code read} method.
 */
public class ReceiptJsonReader {

    public ReceiptJsonReader(ZoneId zone) {
    }

    public void read(InputStream in, RecordSink sink) throws IOException, UnreadableFileException {
        throw new UnreadableFileException("Receipt JSON is not supported in this build");
    }
}
