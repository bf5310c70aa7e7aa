package io.sluice.proxy.access;

/**
 * A model pattern: {@code *} matches any run of characters ({@code /} included), every other character itself. Matched
 * by the classic greedy walk with one backtrack point, in linear time for the patterns people write and without
 * allocating, also against {@code provider + '/' + model} without building that string.
 */
final class Glob {

    private final String pattern;

    Glob(String pattern) {
        this.pattern = pattern;
    }

    boolean matches(String text) {
        return matches(text, null);
    }

    /** Whether the pattern matches {@code head}, followed by {@code '/'} and {@code tail} when tail is not null. */
    boolean matches(String head, String tail) {
        int n = tail == null ? head.length() : head.length() + 1 + tail.length();
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < n) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == charAt(head, tail, t)) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static char charAt(String head, String tail, int i) {
        if (i < head.length()) {
            return head.charAt(i);
        }
        return i == head.length() ? '/' : tail.charAt(i - head.length() - 1);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
