package io.sluice.proxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites variables of a {@code .env} file in place, as the seed's dashboard does when a key is set: each variable
 * set replaces its first assignment (keeping an {@code export} prefix), later assignments of it and the removed
 * variables go, new ones are appended; every other line, comment and blank stays as it was. The new text replaces
 * the file whole ({@link AtomicFiles}: mode 0600, forced to disk, renamed into place).
 */
public final class DotEnvFile {

    /** {@code KEY=...} or {@code export KEY=...}: group 1 the prefix up to the name, group 2 the name. */
    private static final Pattern ASSIGNMENT = Pattern.compile("^(\\s*(?:export\\s+)?)([A-Za-z_][A-Za-z0-9_]*)\\s*=");
    /** Values written without quotes: nothing the parser would read differently. */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:,@+=%~^-]*");

    private DotEnvFile() {
    }

    /** Sets {@code set} (in order) and removes {@code remove} in {@code file}, creating it when missing. */
    public static void update(Path file, Map<String, String> set, Set<String> remove) throws IOException {
        String old = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        String text = rewrite(old, set, remove);
        DotEnvParser.parse(text, file.toString()); // never write what the next start could not read
        write(file, text);
    }

    /** The text of {@code old} with {@code set} and {@code remove} applied. */
    static String rewrite(String old, Map<String, String> set, Set<String> remove) {
        String eol = old.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(List.of(old.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the final newline
        }
        Map<String, String> pending = new LinkedHashMap<>(set);
        Set<String> written = new HashSet<>();
        List<String> out = new ArrayList<>(lines.size() + set.size());
        for (String line : lines) {
            Matcher m = ASSIGNMENT.matcher(line);
            if (!m.find()) {
                out.add(line);
                continue;
            }
            String name = m.group(2);
            if (remove.contains(name) || written.contains(name)) {
                continue;
            }
            if (set.containsKey(name)) {
                out.add(m.group(1) + name + "=" + quote(set.get(name)));
                written.add(name);
                pending.remove(name);
            } else {
                out.add(line);
            }
        }
        pending.forEach((name, value) -> out.add(name + "=" + quote(value)));
        return out.isEmpty() ? "" : String.join(eol, out) + eol;
    }

    /** {@code value} as the parser reads it back: bare when safe, else double-quoted with escapes. */
    static String quote(String value) {
        if (BARE.matcher(value).matches()) {
            return value;
        }
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\', '$' -> b.append('\\').append(c);
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static void write(Path file, String text) throws IOException {
        AtomicFiles.write(file, text);
    }
}
