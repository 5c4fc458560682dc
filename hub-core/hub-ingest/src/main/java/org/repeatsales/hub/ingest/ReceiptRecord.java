package org.repeatsales.hub.ingest;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One receipt as read from a source, in canonical form, before identity resolution.
 *
 * <p>Money is in rubles with kopecks as the scale-2 fraction; a refund has positive amounts and
 * {@code refund = true} (the store subtracts it from revenue). {@code total} is what the client
 * paid, which may differ from the sum of the lines by rounding.
 *
 * @param source namespace of the natural key: {@code fiscal} for fiscal receipts (whatever
 *     channel they came through), otherwise the mapping's or source instance's name
 * @param naturalKey key unique within {@code source}
 * @param line physical line (CSV, Excel row) or record number (JSON) where the receipt starts
 * @param rows how many data records of the input it was built from (a CSV receipt has one row per
 *     line; a JSON receipt is one record)
 * @param consents the buyer's consents the file states (consent columns of a mapping); empty for
 *     sources without them
 */
public record ReceiptRecord(
        String source,
        String naturalKey,
        long line,
        int rows,
        Instant purchasedAt,
        BigDecimal total,
        BigDecimal discount,
        String payment,
        String pointOfSale,
        boolean refund,
        Buyer buyer,
        List<ReceiptLine> lines,
        List<ConsentMark> consents) {

    /** A receipt that says nothing about consent (receipt JSON, live sources). */
    public ReceiptRecord(String source, String naturalKey, long line, int rows, Instant purchasedAt, BigDecimal total,
            BigDecimal discount, String payment, String pointOfSale, boolean refund, Buyer buyer, List<ReceiptLine> lines) {
        this(source, naturalKey, line, rows, purchasedAt, total, discount, payment, pointOfSale, refund, buyer, lines,
                List.of());
    }

    public ReceiptRecord {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(naturalKey, "naturalKey");
        Objects.requireNonNull(purchasedAt, "purchasedAt");
        Objects.requireNonNull(total, "total");
        discount = discount == null ? BigDecimal.ZERO : discount;
        buyer = buyer == null ? Buyer.ANONYMOUS : buyer;
        lines = List.copyOf(lines);
        consents = consents == null ? List.of() : List.copyOf(consents);
    }

    /**
     * A digest of everything the store keeps of this receipt, so a re-import can tell "unchanged"
     * from "updated" without reading the stored lines back. Scale-insensitive for money
     * (1299.5 and 1299.50 are the same amount).
     */
    public String contentHash() {
        StringBuilder canonical = new StringBuilder(256);
        canonical.append(purchasedAt).append('|')
                .append(plain(total)).append('|')
                .append(plain(discount)).append('|')
                .append(payment).append('|')
                .append(pointOfSale).append('|')
                .append(refund).append('|')
                .append(buyer.name()).append('|')
                .append(buyer.phone()).append('|')
                .append(buyer.email()).append('|')
                .append(buyer.sourceKey()).append('|')
                .append(buyer.birthday()).append('|')
                .append(buyer.city());
        for (ReceiptLine l : lines) {
            canonical.append('\n').append(l.lineNo()).append('|')
                    .append(l.item()).append('|')
                    .append(l.category()).append('|')
                    .append(plain(l.quantity())).append('|')
                    .append(plain(l.price())).append('|')
                    .append(plain(l.amount()));
        }
        // only when present, so receipts without consent columns keep the digests they were stored with
        for (ConsentMark c : consents) {
            canonical.append("\nconsent|").append(c.channel()).append('|').append(c.given()).append('|').append(c.at())
                    .append('|').append(c.address());
        }
        return sha1(canonical.toString());
    }

    private static String plain(BigDecimal value) {
        return value == null ? "" : value.stripTrailingZeros().toPlainString();
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(40);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }
}
