package io.sluice.proxy.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the duration syntax of the config file: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
public final class Durations {

    /** What a duration should look like, for error messages. */
    public static final String EXPECTED = "a duration like 250ms, 30s, 5m, 1h, or integer milliseconds";

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,18})(ms|s|m|h)?");

    private Durations() {
    }

    /**
     * Parses {@code <digits><unit>} with unit {@code ms}, {@code s}, {@code m} or {@code h}; bare digits are
     * milliseconds.
     *
     * @throws IllegalArgumentException if the text does not match
     */
    public static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(ConfigException.render(text) + " (expected: " + EXPECTED + ")");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2);
        try {
            if (unit == null || unit.equals("ms")) {
                return Duration.ofMillis(amount);
            }
            return switch (unit) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(ConfigException.render(text) + " (expected: " + EXPECTED + ")", e);
        }
    }

    /** The shortest form {@link #parse} reads back: {@code 1h}, {@code 5m}, {@code 30s}, {@code 250ms}. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString(); // sub-millisecond: only from code, never from a config file
        }
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms != 0 && ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
