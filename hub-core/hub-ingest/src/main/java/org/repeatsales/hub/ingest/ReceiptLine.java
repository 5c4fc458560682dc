package org.repeatsales.hub.ingest;

import java.math.BigDecimal;

/**
 * One line of a receipt: quantity may be fractional (weighed goods); amount is what the line
 * cost after its discount, in rubles.
 */
public record ReceiptLine(int lineNo, String item, String category, BigDecimal quantity, BigDecimal price, BigDecimal amount) {
}
