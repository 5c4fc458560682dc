package org.repeatsales.hub.connector.bench;

import java.text.MessageFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.ResourceBundle;

/** Command-line options of the benchmarks and the logger they hand to the connectors. */
final class BenchOptions {

    private BenchOptions() {
    }

    /** {@code --name value} pairs over the defaults; an unknown name or a missing value stops the run. */
    static Map<String, String> parse(String[] args, Map<String, String> defaults) {
        Map<String, String> options = new HashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            if (!defaults.containsKey(args[i]) || i + 1 == args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i]
                        + " (options: " + defaults.keySet() + ")");
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    /** The 1-minute load average (Linux), so printed figures say how busy the machine was; "?" elsewhere. */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Shows the connector's warnings and errors, not its per-message debug lines. */
    static System.Logger quietLogger(String name) {
        return new System.Logger() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public boolean isLoggable(Level level) {
                return level.getSeverity() >= Level.WARNING.getSeverity();
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                if (isLoggable(level)) {
                    System.err.println(name + " " + level + ": " + msg + (thrown == null ? "" : " " + thrown));
                }
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                if (isLoggable(level)) {
                    System.err.println(name + " " + level + ": "
                            + (params == null ? format : MessageFormat.format(format, params)));
                }
            }
        };
    }
}
