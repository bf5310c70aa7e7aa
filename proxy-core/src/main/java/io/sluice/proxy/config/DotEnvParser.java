package io.sluice.proxy.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code .env} dialect of docker compose and python-dotenv, minus multi-line values and expansion. Errors name
 * the line but never echo it: a malformed line may well be a secret.
 */
final class DotEnvParser {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String EXPORT = "export ";

    private DotEnvParser() {
    }

    static Map<String, String> parse(String text, String source) {
        Map<String, String> vars = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (n == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (n + 1);
            if (line.startsWith(EXPORT)) {
                line = line.substring(EXPORT.length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(where + ": no '=' (expected: KEY=VALUE)");
            }
            String key = line.substring(0, eq).strip();
            if (!KEY.matcher(key).matches()) {
                throw new ConfigException(where + ": " + ConfigException.render(key)
                        + " (expected: a variable name like OPENAI_API_KEY)");
            }
            vars.put(key, value(line.substring(eq + 1).strip(), where));
        }
        return vars;
    }

    private static String value(String raw, String where) {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            requireClosed(end, raw, where, "'");
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            return doubleQuoted(raw, where);
        }
        int comment = inlineComment(raw);
        return (comment < 0 ? raw : raw.substring(0, comment)).strip();
    }

    private static String doubleQuoted(String raw, String where) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                requireClosed(i, raw, where, "\"");
                return out.toString();
            }
            if (c == '\\' && i + 1 < raw.length()) {
                char next = raw.charAt(++i);
                switch (next) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case '"', '\\', '$' -> out.append(next);
                    default -> out.append('\\').append(next);
                }
            } else {
                out.append(c);
            }
        }
        throw new ConfigException(where + ": unterminated \" quote (expected: a closing \" on the same line)");
    }

    /** After a closing quote only whitespace and a comment may follow. */
    private static void requireClosed(int end, String raw, String where, String quote) {
        if (end < 0) {
            throw new ConfigException(where + ": unterminated " + quote + " quote (expected: a closing " + quote
                    + " on the same line)");
        }
        String rest = raw.substring(end + 1).strip();
        if (!rest.isEmpty() && !rest.startsWith("#")) {
            throw new ConfigException(where + ": text after the closing " + quote
                    + " (expected: only a # comment after a quoted value)");
        }
    }

    /** Index of a {@code #} that starts a comment: one preceded by whitespace. {@code a#b} keeps its {@code #}. */
    private static int inlineComment(String raw) {
        for (int i = 1; i < raw.length(); i++) {
            if (raw.charAt(i) == '#' && Character.isWhitespace(raw.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }
}
