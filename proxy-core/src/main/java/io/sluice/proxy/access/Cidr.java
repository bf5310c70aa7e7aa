package io.sluice.proxy.access;

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
        byte[] v4 = mappedV4(bytes);
        if (v4 != null) {
            prefix = Math.max(0, prefix - 96);
            bytes = v4;
        }
        byte[] net = mask(bytes, prefix);
        if (!Arrays.equals(net, bytes)) {
            throw new IllegalArgumentException(s + " has host bits set below /" + prefix
                    + " (did you mean " + NetUtil.bytesToIpAddress(net) + "/" + prefix + "?)");
        }
        return new Cidr(s, net, prefix);
    }

    /** Whether {@code address} (4 or 16 bytes, as from {@code InetAddress.getAddress()}) is in this block. */
    public boolean contains(byte[] address) {
        byte[] a = normalize(address);
        if (a.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xFF << (8 - rest)) & 0xFF;
        return (a[whole] & m) == (network[whole] & m);
    }

    /** IPv4-mapped IPv6 addresses as their 4 IPv4 bytes; others unchanged. */
    public static byte[] normalize(byte[] address) {
        byte[] v4 = mappedV4(address);
        return v4 != null ? v4 : address;
    }

    private static byte[] mappedV4(byte[] a) {
        if (a.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return null;
            }
        }
        if ((a[10] & 0xFF) != 0xFF || (a[11] & 0xFF) != 0xFF) {
            return null;
        }
        return Arrays.copyOfRange(a, 12, 16);
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
