package io.sluice.proxy.config;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts reached directly whatever global proxy is set ({@code NO_PROXY}, {@code upstream.noProxy}), read as
 * curl reads them, with Go's ports and CIDR blocks:
 * <ul>
 *   <li>{@code *} alone: every host;</li>
 *   <li>{@code example.com}, {@code .example.com} or {@code *.example.com}: that domain and every name under it
 *       ({@code api.example.com}; not {@code notexample.com}); case and a trailing dot do not matter;</li>
 *   <li>an IP address ({@code 10.1.2.3}, {@code ::1} or {@code [::1]}) or a block ({@code 10.0.0.0/8},
 *       {@code fd00::/8}): a provider whose URL has that literal address (names are never resolved to match);</li>
 *   <li>any of these with {@code :port} ({@code example.com:8080}, {@code [::1]:11434}): that port only.</li>
 * </ul>
 * Loopback is not bypassed unless listed (curl's rule; Go skips {@code localhost} on its own): list
 * {@code localhost,127.0.0.1,::1} for that.
 * Immutable; built once when the config or the setting is read, matched on the request path without allocating.
 */
public final class NoProxy {

    public static final NoProxy EMPTY = new NoProxy(List.of(), List.of());
    private static final int MAX_ENTRIES = 10_000;

    /** One parsed entry: a domain (or {@code *}), or an address block; port 0 for any. */
    private record Rule(String domain, Cidr block, int port) {
    }

    private final List<String> entries;
    private final List<Rule> rules;

    private NoProxy(List<String> entries, List<Rule> rules) {
        this.entries = List.copyOf(entries);
        this.rules = List.copyOf(rules);
    }

    /** The entries as given, trimmed, empty ones dropped. */
    public List<String> entries() {
        return entries;
    }

    /**
     * Parses a comma (or whitespace) separated list, e.g. {@code NO_PROXY}'s value. Errors name {@code key} and the
     * entry's index: {@code NO_PROXY[2]: "10.0.0.0/33" (expected: ...)}.
     */
    public static NoProxy parse(String key, String commaSeparated) {
        if (commaSeparated == null) {
            return EMPTY;
        }
        return of(key, List.of(commaSeparated.split("[,\\s]+")));
    }

    /** The list {@code items} (each may itself be comma separated); errors name {@code key[i]}. */
    public static NoProxy of(String key, List<String> items) {
        List<String> out = new ArrayList<>();
        for (String item : items) {
            if (item == null) {
                continue;
            }
            for (String e : item.split("[,\\s]+")) {
                if (!e.isEmpty()) {
                    out.add(e);
                }
            }
        }
        if (out.size() > MAX_ENTRIES) {
            throw ConfigException.invalid(key, out.size() + " entries", "at most " + MAX_ENTRIES);
        }
        List<Rule> rules = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            rules.add(rule(key + "[" + i + "]", out.get(i)));
        }
        return new NoProxy(out, rules);
    }

    /** Whether a connection to {@code host:port} goes direct. {@code host} may be a bracketed IPv6 literal. */
    public boolean matches(String host, int port) {
        if (entries.isEmpty() || host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(h);
        for (Rule r : rules) {
            if (r.port != 0 && r.port != port) {
                continue;
            }
            if (r.domain != null) {
                if (r.domain.equals("*") || h.equals(r.domain) || (ip == null && h.endsWith("." + r.domain))) {
                    return true;
                }
            } else if (ip != null && r.block.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Parses one entry; throws a {@link ConfigException} naming {@code key}. */
    private static Rule rule(String key, String entry) {
        String s = entry.strip().toLowerCase(Locale.ROOT);
        if (s.equals("*")) {
            return new Rule("*", null, 0);
        }
        int port = 0;
        String host = s;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw ConfigException.invalid(key, entry, "[IPv6 address] with its closing bracket");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.startsWith("/")) {
                host = host + rest; // [fd00::]/8
            } else if (!rest.isEmpty()) {
                port = port(key, entry, rest.startsWith(":") ? rest.substring(1) : rest);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon > 0 && s.indexOf(':') == colon) { // one colon: host:port (an IPv6 literal has several)
                host = s.substring(0, colon);
                port = port(key, entry, s.substring(colon + 1));
            }
        }
        int slash = host.indexOf('/');
        String addr = slash < 0 ? host : host.substring(0, slash);
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(addr);
        if (ip != null) {
            return new Rule(null, block(key, entry, ip, slash < 0 ? null : host.substring(slash + 1)), port);
        }
        if (slash >= 0) {
            throw ConfigException.invalid(key, entry, "an address block like 10.0.0.0/8 or fd00::/8");
        }
        if (host.startsWith("*.")) {
            host = host.substring(2);
        } else if (host.startsWith(".")) {
            host = host.substring(1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty() || !host.matches("[a-z0-9_-]+(\\.[a-z0-9_-]+)*")) {
            throw ConfigException.invalid(key, entry, "a host or domain (example.com, .example.com), an address or"
                    + " block (10.0.0.0/8), any of them with :port, or *");
        }
        return new Rule(host, null, port);
    }

    private static int port(String key, String entry, String p) {
        if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(Character::isDigit)
                || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65_535) {
            throw ConfigException.invalid(key, entry, "host:port with a port 1..65535");
        }
        return Integer.parseInt(p);
    }

    /** The block of {@code ip}/{@code prefix}; host bits below the prefix are ignored, as curl does. */
    private static Cidr block(String key, String entry, byte[] ip, String prefix) {
        int max = ip.length * 8;
        int bits = max;
        if (prefix != null) {
            if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(prefix) > max) {
                throw ConfigException.invalid(key, entry, "an address block with a prefix of 0.." + max + " bits");
            }
            bits = Integer.parseInt(prefix);
        }
        byte[] net = ip.clone();
        for (int i = 0; i < net.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            net[i] &= (byte) (0xFF << (8 - keep));
        }
        return Cidr.parse(NetUtil.bytesToIpAddress(net) + "/" + bits);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoProxy n && n.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }
}
