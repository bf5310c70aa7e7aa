package io.sluice.proxy.logs;

import java.util.Locale;

/** Severity of a {@link LogEntry}; declaration order is severity order, so a minimum level is an ordinal compare. */
public enum LogLevel {
    DEBUG, INFO, WARN, ERROR;

    private static final String ALLOWED = "debug, info, warn, error";

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** {@code "info"}, {@code "INFO"}, {@code " Warning "}: case-insensitive, {@code warning} is {@link #WARN}. */
    public static LogLevel parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "debug": return DEBUG;
            case "info": return INFO;
            case "warn":
            case "warning": return WARN;
            case "error": return ERROR;
            default:
                throw new IllegalArgumentException("level: '" + s + "' (expected one of: " + ALLOWED + ")");
        }
    }

    /** The lower-case name used in JSON and query parameters. */
    public String wire() {
        return wire;
    }

    /** Whether this level passes a minimum of {@code min}; a {@code null} minimum lets everything through. */
    public boolean isAtLeast(LogLevel min) {
        return min == null || ordinal() >= min.ordinal();
    }
}
