package io.sluice.proxy.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one model pattern of Sluice (allow-lists, wildcard routes): {@code *} matches any run of characters ({@code /}
 * included), every other character itself. {@link #matches} walks greedily with one backtrack point, in linear time
 * for the patterns people write and without allocating, also against {@code provider + '/' + model} without building
 * that string; {@link #captures} gives the stars' texts for a route template (a regex, compiled on first use).
 */
public final class Glob {

    private final String pattern;
    private final int literals;
    private final int stars;
    private volatile Pattern regex;

    public Glob(String pattern) {
        this.pattern = pattern;
        int st = 0;
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) == '*') {
                st++;
            }
        }
        this.stars = st;
        this.literals = pattern.length() - st;
    }

    public boolean matches(String text) {
        return matches(text, null);
    }

    /** Sort key: higher is more specific. Literal characters first, then fewer stars. */
    public long specificity() {
        return (long) literals * 64 - stars;
    }

    /**
     * The match of {@code text} with one group per star (each star as greedy as a regex {@code (.*)}), or null when
     * it does not match.
     */
    public Matcher captures(String text) {
        Pattern re = regex;
        if (re == null) {
            StringBuilder sb = new StringBuilder();
            int start = 0;
            for (int i = 0; i < pattern.length(); i++) {
                if (pattern.charAt(i) == '*') {
                    sb.append(Pattern.quote(pattern.substring(start, i))).append("(.*)");
                    start = i + 1;
                }
            }
            sb.append(Pattern.quote(pattern.substring(start)));
            re = Pattern.compile(sb.toString(), Pattern.DOTALL);
            regex = re;
        }
        Matcher m = re.matcher(text);
        return m.matches() ? m : null;
    }

    /** {@code template} with {@code $0} (the whole text) and {@code $1..$9} (the stars' texts) of {@code m}. */
    public static String expand(String template, Matcher m) {
        StringBuilder out = new StringBuilder(template.length() + 16);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '$' && i + 1 < template.length() && Character.isDigit(template.charAt(i + 1))) {
                int g = template.charAt(i + 1) - '0';
                out.append(g <= m.groupCount() ? m.group(g) : "");
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether the pattern matches {@code head}, followed by {@code '/'} and {@code tail} when tail is not null. */
    public boolean matches(String head, String tail) {
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
