package io.sluice.proxy.config;

import io.netty.util.NetUtil;
import java.util.Arrays;

/**
 * An address block, {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address ({@code 192.0.2.7}, {@code ::1}).
 * Only literals are accepted: a host name would need DNS, and an access rule that changes with DNS is no rule.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) are treated as the IPv4 address they carry, both in rules and
 * in the addresses checked against them, so a dual-stack listener cannot be used to slip past an IPv4 rule.
 */
public final class Cidr {

    private final String text;
    private final byte[] network;
    private final int prefix;

    private Cidr(String text, byte[] network, int prefix) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(addr);
        if (bytes == null || addr.indexOf('%') >= 0) {
            throw new IllegalArgumentException("not an IP address literal: " + addr);
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad prefix length: /" + p);
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("prefix /" + prefix + " is longer than " + max + " bits");
            }
        }
        if (isMappedV4(bytes)) {
            prefix = Math.max(0, prefix - 96);
            bytes = normalize(bytes);
        }
        byte[] net = mask(bytes, prefix);
        if (!Arrays.equals(net, bytes)) {
            throw new IllegalArgumentException(s + " has host bits set below /" + prefix
                    + " (did you mean " + NetUtil.bytesToIpAddress(net) + "/" + prefix + "?)");
        }
        return new Cidr(s, net, prefix);
    }

    /** Whether {@code address} (4 or 16 bytes, as from {@code InetAddress.getAddress()}) is in this block. */
    public boolean contains(byte[] a) {
        // A mapped address is read in place from its last 4 bytes: no copy per rule per request.
        int off = a.length == 16 && network.length == 4 && isMappedV4(a) ? 12 : 0;
        if (a.length - off != network.length || (off == 0 && network.length == 16 && isMappedV4(a))) {
            return false; // other family, or a mapped address against a v6 rule (rules store mapped ones as v4)
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (a[off + i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xFF << (8 - rest)) & 0xFF;
        return (a[off + whole] & m) == (network[whole] & m);
    }

    /** IPv4-mapped IPv6 addresses as their 4 IPv4 bytes; others unchanged. */
    public static byte[] normalize(byte[] address) {
        return isMappedV4(address) ? Arrays.copyOfRange(address, 12, 16) : address;
    }

    private static boolean isMappedV4(byte[] a) {
        if (a.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF;
    }

    private static byte[] mask(byte[] a, int prefix) {
        byte[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & ((0xFF << (8 - bits)) & 0xFF));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    /** As written in the configuration. */
    @Override
    public String toString() {
        return text;
    }
}
