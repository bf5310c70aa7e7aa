package io.sluice.proxy.route;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wildcard model pattern: {@code *} matches any run of characters (slashes included), everything else itself.
 * More literal characters make a pattern more specific; the most specific match wins.
 */
final class ModelGlob {

    private final String glob;
    private final Pattern regex;
    private final int literals;
    private final int stars;

    ModelGlob(String glob) {
        this.glob = glob;
        StringBuilder re = new StringBuilder();
        int lit = 0;
        int st = 0;
        int start = 0;
        for (int i = 0; i < glob.length(); i++) {
            if (glob.charAt(i) == '*') {
                re.append(Pattern.quote(glob.substring(start, i))).append("(.*)");
                lit += i - start;
                st++;
                start = i + 1;
            }
        }
        re.append(Pattern.quote(glob.substring(start)));
        lit += glob.length() - start;
        this.regex = Pattern.compile(re.toString(), Pattern.DOTALL);
        this.literals = lit;
        this.stars = st;
    }

    /** The matcher when {@code model} matches, else null. */
    Matcher match(String model) {
        Matcher m = regex.matcher(model);
        return m.matches() ? m : null;
    }

    /** Sort key: higher is more specific. Literal characters first, then fewer stars. */
    long specificity() {
        return (long) literals * 64 - stars;
    }

    /** {@code template} with {@code $0} (the whole model) and {@code $1..$9} (the stars' texts) filled in. */
    static String expand(String template, Matcher m) {
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

    @Override
    public String toString() {
        return glob;
    }
}
