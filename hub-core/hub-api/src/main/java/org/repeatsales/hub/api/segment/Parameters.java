package org.repeatsales.hub.api.segment;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validated parameter values of one segment: every declared parameter is present (given or
 * default), typed, and inside its bounds. Immutable.
 */
public final class Parameters {

    private final Map<String, Object> values;

    private Parameters(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Checks raw input (from JSON: numbers, strings, booleans) against the declared parameters and
     * fills in defaults.
     *
     * @throws InvalidParameterException naming the first parameter that is unknown, of the wrong type
     *     or out of bounds
     */
    public static Parameters resolve(List<ParameterSpec> specs, Map<String, ?> raw) {
        Map<String, ?> given = raw == null ? Map.of() : raw;
        for (String name : given.keySet()) {
            if (specs.stream().noneMatch(s -> s.name().equals(name))) {
                throw new InvalidParameterException(name, "unknown; known are "
                        + specs.stream().map(ParameterSpec::name).toList());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterSpec spec : specs) {
            Object value = given.get(spec.name());
            values.put(spec.name(), convert(spec, value == null ? spec.defaultValue() : value));
        }
        return new Parameters(values);
    }

    private static Object convert(ParameterSpec spec, Object value) {
        String text = value.toString().trim();
        switch (spec.type()) {
            case INTEGER -> {
                long number;
                try {
                    number = new BigDecimal(text).longValueExact();
                } catch (ArithmeticException | NumberFormatException e) {
                    throw new InvalidParameterException(spec.name(), "'" + text + "' is not a whole number");
                }
                checkBounds(spec, BigDecimal.valueOf(number));
                return number;
            }
            case DECIMAL -> {
                BigDecimal number;
                try {
                    number = new BigDecimal(text);
                } catch (NumberFormatException e) {
                    throw new InvalidParameterException(spec.name(), "'" + text + "' is not a number");
                }
                checkBounds(spec, number);
                return number;
            }
            case BOOLEAN -> {
                String lower = text.toLowerCase(Locale.ROOT);
                if (!lower.equals("true") && !lower.equals("false")) {
                    throw new InvalidParameterException(spec.name(), "'" + text + "' is not true or false");
                }
                return Boolean.parseBoolean(lower);
            }
            default -> {
                return text;
            }
        }
    }

    private static void checkBounds(ParameterSpec spec, BigDecimal number) {
        if (spec.min() != null && number.compareTo(spec.min()) < 0) {
            throw new InvalidParameterException(spec.name(), "must be at least " + spec.min().toPlainString() + ", got " + number.toPlainString());
        }
        if (spec.max() != null && number.compareTo(spec.max()) > 0) {
            throw new InvalidParameterException(spec.name(), "must be at most " + spec.max().toPlainString() + ", got " + number.toPlainString());
        }
    }

    public long integer(String name) {
        return (Long) get(name);
    }

    public BigDecimal decimal(String name) {
        return (BigDecimal) get(name);
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    public String text(String name) {
        return (String) get(name);
    }

    /** All values by name in declaration order: what the hub stores with the segment. */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object get(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("No parameter '" + name + "' is declared");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameters p && p.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
