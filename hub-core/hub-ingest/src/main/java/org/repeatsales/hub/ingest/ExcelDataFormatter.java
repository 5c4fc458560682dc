package org.repeatsales.hub.ingest;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;

/**
 * Renders numeric cells for parsing rather than for display: dates as ISO date-times whatever
 * their display format (which may hide the time or use a locale), other numbers as plain
 * decimals, unrounded and ungrouped ("1299.5", not "1 299,50 ₽").
 */
final class ExcelDataFormatter extends DataFormatter {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    @Override
    public String formatRawCellContents(double value, int formatIndex, String formatString) {
        return formatRawCellContents(value, formatIndex, formatString, false);
    }

    @Override
    public String formatRawCellContents(double value, int formatIndex, String formatString, boolean use1904Windowing) {
        if (DateUtil.isADateFormat(formatIndex, formatString) && DateUtil.isValidExcelDate(value)) {
            LocalDateTime t = DateUtil.getLocalDateTime(value, use1904Windowing, true);
            return ISO.format(t);
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        // Double.toString is the shortest string that reads back as the same double
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
