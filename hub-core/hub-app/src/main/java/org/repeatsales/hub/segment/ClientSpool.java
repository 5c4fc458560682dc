package org.repeatsales.hub.segment;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.repeatsales.hub.api.segment.ClientFacts;
import org.repeatsales.hub.api.segment.ClientStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every client of one read transaction, as a pass over the store handed them out, spooled to a file
 * so that the later passes of the same refresh cycle read them from there. A cycle that refreshes
 * RFM, ABC, golden, customer types and lifecycle makes nine passes over a million clients; each pass
 * over the store joins clients, their statistics and the window sums and decodes every row (seconds),
 * while a pass over the file takes a fraction of that. The rows are those of the cycle's one snapshot,
 * so a pass from the file hands out exactly what a pass over the store would.
 *
 * <p>A spool holds the window sums of one window start (or none) as the store gave them, with the
 * purchase pattern when its window table had it; a pass asking for less gets zeros where it asked
 * for nothing, as {@link ClientFacts} promises. Only a pass read to its end is kept: a strategy that
 * stops early leaves no spool. Memory stays bounded (a buffer per open pass); the files are deleted
 * when the cycle ends. A spool that cannot be written is given up and the passes read the store.
 */
final class ClientSpool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientSpool.class);
    private static final int BUFFER = 1 << 16;

    /** A complete file: its rows and what their window columns hold. */
    private record Spooled(Path file, long rows, Instant windowStart, boolean pattern) {

        boolean serves(Instant start, boolean wantsPattern) {
            return start == null || start.equals(windowStart) && (pattern || !wantsPattern);
        }
    }

    private final Path directory;
    private final List<Spooled> complete = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private boolean writing;

    /** @param directory where the spool files go; created when missing */
    ClientSpool(Path directory) {
        this.directory = directory;
    }

    /**
     * A pass from a spool that holds what the pass asks for, or null when none does.
     *
     * @param windowStart the window the pass asks for; null for none
     */
    ClientStream.Cursor serve(Instant windowStart, boolean purchasePattern, GivenClients given) {
        for (Spooled s : complete) {
            if (s.serves(windowStart, purchasePattern)) {
                try {
                    return new FileCursor(s, given);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read the spooled clients in " + s.file() + ": " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    /**
     * Wraps a pass over the store so that it spools what it hands out, or returns it as it is when
     * another pass is spooling or no file can be made. (A pass goes to the store only when no spool
     * {@linkplain #serve serves} it.)
     *
     * @param windowStart the window whose sums the pass's rows hold; null for none
     * @param pattern whether they hold the purchase pattern
     */
    ClientStream.Cursor record(ClientStream.Cursor pass, Instant windowStart, boolean pattern) {
        if (writing) {
            return pass;
        }
        try {
            Files.createDirectories(directory);
            Path file = Files.createTempFile(directory, "refresh-", ".clients");
            files.add(file);
            writing = true;
            return new SpoolingCursor(pass, file, windowStart, pattern);
        } catch (IOException e) {
            log.debug("Not spooling the clients of this refresh: {}", e.getMessage());
            return pass;
        }
    }

    /** Deletes every file the cycle spooled. */
    @Override
    public void close() {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                log.warn("Cannot delete the spooled clients in {}: {}", f, e.getMessage());
            }
        }
        files.clear();
        complete.clear();
    }

    private final class SpoolingCursor implements ClientStream.Cursor {
        private final ClientStream.Cursor pass;
        private final Path file;
        private final Instant windowStart;
        private final boolean pattern;
        private DataOutputStream out;
        private long rows;

        SpoolingCursor(ClientStream.Cursor pass, Path file, Instant windowStart, boolean pattern) throws IOException {
            this.pass = pass;
            this.file = file;
            this.windowStart = windowStart;
            this.pattern = pattern;
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER));
        }

        @Override
        public boolean hasNext() {
            boolean more = pass.hasNext();
            if (!more && out != null) {
                try {
                    out.close();
                    out = null;
                    writing = false;
                    complete.add(new Spooled(file, rows, windowStart, pattern));
                } catch (IOException e) {
                    abandon(e);
                }
            }
            return more;
        }

        @Override
        public ClientFacts next() {
            ClientFacts facts = pass.next();
            if (out != null) {
                try {
                    write(out, facts);
                    rows++;
                } catch (IOException e) {
                    abandon(e);
                }
            }
            return facts;
        }

        private void abandon(IOException e) {
            log.debug("Spooling the clients of this refresh to {} failed, later passes read the store: {}", file, e.getMessage());
            discard();
        }

        private void discard() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the file is deleted either way
                }
                out = null;
                writing = false;
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // close() of the spool tries again
                }
            }
        }

        @Override
        public void close() {
            // a pass closed before its end spooled only part of the clients: not a spool
            discard();
            pass.close();
        }
    }

    private static final class FileCursor implements ClientStream.Cursor {
        private final Spooled spooled;
        private final GivenClients given;
        private final DataInputStream in;
        private long read;
        private boolean closed;

        FileCursor(Spooled spooled, GivenClients given) throws IOException {
            this.spooled = spooled;
            this.given = given;
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spooled.file()), BUFFER));
        }

        @Override
        public boolean hasNext() {
            return !closed && read < spooled.rows();
        }

        @Override
        public ClientFacts next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            try {
                ClientFacts facts = ClientSpool.read(in);
                read++;
                given.add(facts.clientId());
                return facts;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the spooled clients in " + spooled.file() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try {
                    in.close();
                } catch (IOException ignored) {
                    // read-only; nothing is lost
                }
            }
        }
    }

    private static final int AVERAGE_CHECK = 1;
    private static final int FIRST_PURCHASE = 2;
    private static final int LAST_PURCHASE = 4;

    static void write(DataOutputStream out, ClientFacts c) throws IOException {
        out.writeLong(c.clientId());
        out.writeByte((c.averageCheck() != null ? AVERAGE_CHECK : 0) | (c.firstPurchaseAt() != null ? FIRST_PURCHASE : 0)
                | (c.lastPurchaseAt() != null ? LAST_PURCHASE : 0));
        out.writeInt(c.purchases());
        out.writeInt(c.refunds());
        writeDecimal(out, c.revenue());
        if (c.averageCheck() != null) {
            writeDecimal(out, c.averageCheck());
        }
        if (c.firstPurchaseAt() != null) {
            writeInstant(out, c.firstPurchaseAt());
        }
        if (c.lastPurchaseAt() != null) {
            writeInstant(out, c.lastPurchaseAt());
        }
        out.writeInt(c.windowPurchases());
        writeDecimal(out, c.windowRevenue());
        out.writeInt(c.windowMonths());
        out.writeInt(c.windowDiscountedPurchases());
    }

    static ClientFacts read(DataInputStream in) throws IOException {
        long id = in.readLong();
        int present = in.readByte();
        int purchases = in.readInt();
        int refunds = in.readInt();
        BigDecimal revenue = readDecimal(in);
        BigDecimal averageCheck = (present & AVERAGE_CHECK) != 0 ? readDecimal(in) : null;
        Instant first = (present & FIRST_PURCHASE) != 0 ? readInstant(in) : null;
        Instant last = (present & LAST_PURCHASE) != 0 ? readInstant(in) : null;
        return new ClientFacts(id, purchases, refunds, revenue, averageCheck, first, last, in.readInt(), readDecimal(in),
                in.readInt(), in.readInt());
    }

    // money from numeric columns: the unscaled value fits a long but for absurd amounts, kept exact either way
    private static void writeDecimal(DataOutputStream out, BigDecimal d) throws IOException {
        out.writeInt(d.scale());
        BigInteger unscaled = d.unscaledValue();
        if (unscaled.bitLength() < 64) {
            out.writeByte(0);
            out.writeLong(unscaled.longValue());
        } else {
            byte[] bytes = unscaled.toByteArray();
            out.writeByte(1);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static BigDecimal readDecimal(DataInputStream in) throws IOException {
        int scale = in.readInt();
        if (in.readByte() == 0) {
            return BigDecimal.valueOf(in.readLong(), scale);
        }
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new BigDecimal(new BigInteger(bytes), scale);
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }
}
