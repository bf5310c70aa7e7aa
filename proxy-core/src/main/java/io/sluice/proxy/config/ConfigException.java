package io.sluice.proxy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A configuration value that cannot be used. The message names the key path, the value and what was expected,
 * e.g. {@code server.port: 70000 (expected: 0..65535)}, so it can be shown to the user as is.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Key path relative to the object that threw, e.g. {@code port}; empty when the message is free text. */
    private final String key;
    private final String detail;

    public ConfigException(String message) {
        this("", message, null);
    }

    public ConfigException(String message, Throwable cause) {
        this("", message, cause);
    }

    private ConfigException(String key, String detail, Throwable cause) {
        super(key.isEmpty() ? detail : key + ": " + detail, cause);
        this.key = key;
        this.detail = detail;
    }

    /** {@code key: value (expected: expected)}. Never pass a secret as {@code value}: mask it first. */
    public static ConfigException invalid(String key, Object value, String expected) {
        return new ConfigException(key, render(value) + " (expected: " + expected + ")", null);
    }

    /** {@code key: missing (expected: expected)}. */
    public static ConfigException missing(String key, String expected) {
        return new ConfigException(key, "missing (expected: " + expected + ")", null);
    }

    /** {@code key: detail}, for problems that are not about one value. */
    public static ConfigException at(String key, String detail) {
        return new ConfigException(key, detail, null);
    }

    /** The key path this error is about ({@code server.port}), or empty. */
    public String key() {
        return key;
    }

    /** The same error one level down: {@code port: …} under {@code server} becomes {@code server.port: …}. */
    public ConfigException under(String parent) {
        if (parent.isEmpty()) {
            return this;
        }
        String path = key.isEmpty() ? parent : parent + '.' + key;
        return new ConfigException(path, detail, getCause());
    }

    /** The same error prefixed with the file it came from, like a compiler error: {@code conf/x.yaml: …}. */
    public ConfigException in(Path file) {
        return new ConfigException("", file + ": " + getMessage(), getCause());
    }

    static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence text) {
            return quote(text.toString());
        }
        if (value instanceof Duration duration) {
            return Durations.format(duration);
        }
        return value.toString();
    }

    private static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
