package org.repeatsales.hub.clients;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/** What the API shows of clients. Money in rubles (1299.50), phones in E.164, e-mails lower-case. */
public final class ClientView {

    private ClientView() {
    }

    public record Stats(int purchases, int refunds, BigDecimal revenue, BigDecimal averageCheck,
                        OffsetDateTime firstPurchaseAt, OffsetDateTime lastPurchaseAt) {
    }

    public record Summary(long id, String name, String phone, String email, Stats stats) {
    }

    public record Page(long total, List<Summary> items) {
    }

    public record Identity(String kind, String value, String source, OffsetDateTime firstSeenAt) {
    }

    public record Line(int lineNo, String item, String category, BigDecimal quantity, BigDecimal price, BigDecimal amount) {
    }

    public record Receipt(long id, String source, String naturalKey, OffsetDateTime purchasedAt, BigDecimal total,
                          BigDecimal discount, String payment, String pointOfSale, boolean refund, List<Line> lines) {
    }

    public record Card(long id, String name, String phone, String email, LocalDate birthday, String city,
                       List<Identity> identities, Stats stats, long receiptCount, List<Receipt> receipts) {
    }
}
