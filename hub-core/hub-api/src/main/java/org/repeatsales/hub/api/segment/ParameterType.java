package org.repeatsales.hub.api.segment;

/** The kinds of value a strategy parameter may take; the console renders a field per kind. */
public enum ParameterType {
    /** A whole number ({@code long}). */
    INTEGER,
    /** A decimal number, e.g. a money threshold in rubles. */
    DECIMAL,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** Free text. */
    TEXT
}
