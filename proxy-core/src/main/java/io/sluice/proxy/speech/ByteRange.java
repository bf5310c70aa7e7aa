package io.sluice.proxy.speech;

/**
 * One {@code Range: bytes=...} request (RFC 9110 §14): {@code first-last}, {@code first-} or {@code -suffix}. Several
 * ranges, other units and malformed values are not parsed ({@link #parse} gives null): the server may then ignore the
 * header and send the whole representation, which RFC 9110 allows.
 *
 * @param first  the first byte, or -1 for a suffix range
 * @param last   the last byte (inclusive), or -1 for "to the end"
 * @param suffix the length of a suffix range ({@code bytes=-500}), else -1
 */
public record ByteRange(long first, long last, long suffix) {

    /** Bounds of a range resolved against a length: {@code from..to}, both inclusive. */
    public record Span(long from, long to) {
        public long length() {
            return to - from + 1;
        }
    }

    /** The range of a {@code Range} header value, or null when there is none Sluice serves. */
    public static ByteRange parse(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).strip();
        if (spec.isEmpty() || spec.indexOf(',') >= 0) {
            return null; // several ranges: answered whole
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        long first = a.isEmpty() ? -1 : number(a);
        long last = b.isEmpty() ? -1 : number(b);
        if (a.isEmpty()) {
            return last < 0 ? null : new ByteRange(-1, -1, last);
        }
        if (first < 0 || !b.isEmpty() && (last < 0 || last < first)) {
            return null; // invalid: ignored (RFC 9110 §14.2)
        }
        return new ByteRange(first, last, -1);
    }

    private static long number(String s) {
        if (s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }

    /** Whether this asks for everything from the start ({@code bytes=0-}): what a browser's audio element sends. */
    public boolean whole() {
        return first == 0 && last < 0;
    }

    /** The bytes of a {@code total}-byte body this range covers, or null when it is unsatisfiable (416). */
    public Span resolve(long total) {
        if (suffix >= 0) {
            return suffix == 0 || total == 0 ? null : new Span(Math.max(0, total - suffix), total - 1);
        }
        if (first >= total) {
            return null;
        }
        return new Span(first, last < 0 ? total - 1 : Math.min(last, total - 1));
    }
}
