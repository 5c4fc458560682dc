package org.repeatsales.hub.api.segment;

import java.math.BigDecimal;
import java.util.Objects;
import org.repeatsales.hub.api.Label;

/**
 * A parameter a strategy declares, so the console can render a form and the hub can validate input
 * before a strategy ever sees it.
 *
 * @param name the key in the stored parameters, e.g. {@code activeDays}
 * @param type the kind of value
 * @param defaultValue the value used when none is given, as text (e.g. {@code "30"}); never null
 * @param min the smallest allowed number (INTEGER and DECIMAL), or null for none
 * @param max the largest allowed number (INTEGER and DECIMAL), or null for none
 * @param description what the parameter means, Russian first
 */
public record ParameterSpec(String name, ParameterType type, String defaultValue, BigDecimal min, BigDecimal max,
                            Label description) {

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw new IllegalArgumentException("Parameter '" + name + "': min " + min + " is above max " + max);
        }
    }

    /** A whole-number parameter with inclusive bounds. */
    public static ParameterSpec integer(String name, long defaultValue, Long min, Long max, Label description) {
        return new ParameterSpec(name, ParameterType.INTEGER, Long.toString(defaultValue),
                min == null ? null : BigDecimal.valueOf(min), max == null ? null : BigDecimal.valueOf(max), description);
    }

    /** A decimal parameter with inclusive bounds. */
    public static ParameterSpec decimal(String name, String defaultValue, String min, String max, Label description) {
        return new ParameterSpec(name, ParameterType.DECIMAL, defaultValue,
                min == null ? null : new BigDecimal(min), max == null ? null : new BigDecimal(max), description);
    }
}
