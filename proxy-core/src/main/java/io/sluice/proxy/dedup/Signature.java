package io.sluice.proxy.dedup;

import java.util.Locale;

/** 128 bits of a request's SHA-256 signature ({@link Signer}): the key of the cache and of answers in flight. */
record Signature(long hi, long lo) {

    /** For logs: 32 hex digits. */
    String hex() {
        return String.format(Locale.ROOT, "%016x%016x", hi, lo);
    }
}
