package io.sluice.proxy.config;

import java.time.Duration;

/** Validation helpers for the records' compact constructors; each failure names the key, value and expectation. */
final class Check {

    private Check() {
    }

    static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw ConfigException.invalid(key, value, min + ".." + max);
        }
        return value;
    }

    static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw ConfigException.invalid(key, value, ">= " + min);
        }
        return value;
    }

    static Duration positive(String key, Duration value) {
        notNull(key, value, Durations.EXPECTED);
        if (value.isNegative() || value.isZero()) {
            throw ConfigException.invalid(key, value, "> 0");
        }
        return value;
    }

    static Duration notNegative(String key, Duration value) {
        notNull(key, value, Durations.EXPECTED);
        if (value.isNegative()) {
            throw ConfigException.invalid(key, value, ">= 0");
        }
        return value;
    }

    static <T> T notNull(String key, T value, String expected) {
        if (value == null) {
            throw ConfigException.missing(key, expected);
        }
        return value;
    }
}
