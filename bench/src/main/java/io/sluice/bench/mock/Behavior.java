package io.sluice.bench.mock;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * The knobs of one answer: the settings, with any {@code x-mock-*} request headers applied.
 *
 * @param forced a fault this request asked for with {@code x-mock-error}, or {@code null} to draw one
 */
record Behavior(int chunks, int chunkBytes, long chunkDelayMs, long ttfbMs, long latencyMs,
                double error429Rate, double error500Rate, double resetRate, FaultPlan.Fault forced) {

    private static final int PREFIX_LENGTH = "x-mock-".length();

    Behavior {
        MockUpstreamSettings.checkShape(chunks, chunkBytes);
        MockUpstreamSettings.checkDelay("chunkDelayMs", chunkDelayMs);
        MockUpstreamSettings.checkDelay("ttfbMs", ttfbMs);
        MockUpstreamSettings.checkDelay("latencyMs", latencyMs);
        MockUpstreamSettings.checkRates(error429Rate, error500Rate, resetRate);
    }

    static Behavior of(MockUpstreamSettings s) {
        return new Behavior(s.chunks(), s.chunkBytes(), s.chunkDelayMs(), s.ttfbMs(), s.latencyMs(),
                s.error429Rate(), s.error500Rate(), s.resetRate(), null);
    }

    /**
     * This behavior with the request's {@code x-mock-*} headers applied; {@code this} when there are none, so the
     * common request allocates nothing.
     *
     * @throws IllegalArgumentException naming the header and the expected value
     */
    Behavior with(HttpHeaders headers) {
        Behavior b = this;
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (name.length() > PREFIX_LENGTH
                    && AsciiString.regionMatches(name, true, 0, "x-mock-", 0, PREFIX_LENGTH)) {
                b = b.withHeader(AsciiString.of(name).toLowerCase(), e.getValue().toString().trim());
            }
        }
        return b;
    }

    private Behavior withHeader(AsciiString name, String value) {
        try {
            if (name.contentEquals(MockHeaders.CHUNKS)) {
                return new Behavior(Integer.parseInt(value), chunkBytes, chunkDelayMs, ttfbMs, latencyMs,
                        error429Rate, error500Rate, resetRate, forced);
            }
            if (name.contentEquals(MockHeaders.CHUNK_BYTES)) {
                return new Behavior(chunks, Integer.parseInt(value), chunkDelayMs, ttfbMs, latencyMs,
                        error429Rate, error500Rate, resetRate, forced);
            }
            if (name.contentEquals(MockHeaders.CHUNK_DELAY_MS)) {
                return new Behavior(chunks, chunkBytes, Long.parseLong(value), ttfbMs, latencyMs,
                        error429Rate, error500Rate, resetRate, forced);
            }
            if (name.contentEquals(MockHeaders.TTFB_MS)) {
                return new Behavior(chunks, chunkBytes, chunkDelayMs, Long.parseLong(value), latencyMs,
                        error429Rate, error500Rate, resetRate, forced);
            }
            if (name.contentEquals(MockHeaders.LATENCY_MS)) {
                return new Behavior(chunks, chunkBytes, chunkDelayMs, ttfbMs, Long.parseLong(value),
                        error429Rate, error500Rate, resetRate, forced);
            }
            if (name.contentEquals(MockHeaders.ERROR_429_RATE)) {
                return new Behavior(chunks, chunkBytes, chunkDelayMs, ttfbMs, latencyMs,
                        Double.parseDouble(value), error500Rate, resetRate, forced);
            }
            if (name.contentEquals(MockHeaders.ERROR_500_RATE)) {
                return new Behavior(chunks, chunkBytes, chunkDelayMs, ttfbMs, latencyMs,
                        error429Rate, Double.parseDouble(value), resetRate, forced);
            }
            if (name.contentEquals(MockHeaders.RESET_RATE)) {
                return new Behavior(chunks, chunkBytes, chunkDelayMs, ttfbMs, latencyMs,
                        error429Rate, error500Rate, Double.parseDouble(value), forced);
            }
            if (name.contentEquals(MockHeaders.ERROR)) {
                return new Behavior(chunks, chunkBytes, chunkDelayMs, ttfbMs, latencyMs,
                        error429Rate, error500Rate, resetRate, fault(value));
            }
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException(name + ": " + value + " (" + expected(name, e) + ")", e);
        }
        return this; // an x-mock- header we do not know: ignore, as servers ignore unknown headers
    }

    private static FaultPlan.Fault fault(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "429" -> FaultPlan.Fault.RATE_LIMIT;
            case "500" -> FaultPlan.Fault.SERVER_ERROR;
            case "reset" -> FaultPlan.Fault.RESET;
            case "none" -> FaultPlan.Fault.NONE;
            default -> throw new IllegalArgumentException("expected: 429, 500, reset or none");
        };
    }

    private static String expected(AsciiString name, IllegalArgumentException e) {
        if (e instanceof NumberFormatException) {
            boolean rate = name.contentEquals(MockHeaders.ERROR_429_RATE)
                    || name.contentEquals(MockHeaders.ERROR_500_RATE) || name.contentEquals(MockHeaders.RESET_RATE);
            return rate ? "expected: a number in 0..1" : "expected: an integer";
        }
        // The constructor's message already says "name: value (expected: ...)": keep only the expectation.
        String m = e.getMessage();
        int open = m.lastIndexOf('(');
        return open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) : m;
    }
}
