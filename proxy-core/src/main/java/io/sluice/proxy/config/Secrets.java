package io.sluice.proxy.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;

/** Masks credentials before they reach a log line, an error message or a {@code toString()}. */
public final class Secrets {

    /** Secrets shorter than this are fully hidden: showing 7 of 11 characters would give most of it away. */
    public static final int MIN_PARTIAL_LENGTH = 12;
    public static final String HIDDEN = "****";

    private static final int SHOWN_PREFIX = 3;
    private static final int SHOWN_SUFFIX = 4;

    private Secrets() {
    }

    /**
     * {@code sk-proj-abcdefgh1234} → {@code sk-...1234}: enough to tell keys apart, not enough to use one. Secrets
     * shorter than {@value #MIN_PARTIAL_LENGTH} characters become {@code ****}; {@code null} stays {@code null}.
     */
    public static String mask(String secret) {
        if (secret == null) {
            return "null";
        }
        if (secret.length() < MIN_PARTIAL_LENGTH) {
            return HIDDEN;
        }
        return secret.substring(0, SHOWN_PREFIX) + "..." + secret.substring(secret.length() - SHOWN_SUFFIX);
    }

    /**
     * {@code text} with every occurrence of each of {@code secrets} replaced by its {@link #mask}, e.g. an upstream
     * error body that echoes the API key back. Empty and null secrets are ignored; {@code null} text stays null.
     */
    public static String maskAll(String text, Collection<String> secrets) {
        if (text == null || secrets == null || secrets.isEmpty()) {
            return text;
        }
        String masked = text;
        // Longest first, so a key that is a substring of another cannot leave the longer one half masked.
        for (String secret : secrets.stream().filter(s -> s != null && !s.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            masked = masked.replace(secret, mask(secret));
        }
        return masked;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    });
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The SHA-256 of {@code text}'s UTF-8 bytes in lowercase hex: how client keys are stored ({@code keyHash}). */
    public static String sha256Hex(String text) {
        MessageDigest md = SHA256.get();
        md.reset();
        byte[] d = md.digest(text.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[d.length * 2];
        for (int i = 0; i < d.length; i++) {
            out[2 * i] = HEX[(d[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[d[i] & 0xF];
        }
        return new String(out);
    }
}
