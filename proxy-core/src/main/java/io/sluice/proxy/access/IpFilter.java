package io.sluice.proxy.access;

import io.netty.util.NetUtil;
import io.sluice.proxy.config.Cidr;
import java.util.List;

/**
 * Allow and deny lists of address blocks. A deny rule always wins; an empty allow list admits every address the deny
 * list does not name. Behind a load balancer the socket's peer is the balancer: name it in {@code trustedProxies} and
 * the client address is then read from {@code X-Forwarded-For}, rightmost entry first, skipping trusted hops, so that a
 * client cannot choose its own address by sending the header itself.
 */
public final class IpFilter {

    private final List<Cidr> allow;
    private final List<Cidr> deny;
    private final List<Cidr> trusted;

    public IpFilter(List<Cidr> allow, List<Cidr> deny, List<Cidr> trusted) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
        this.trusted = List.copyOf(trusted);
    }

    /** Whether any rule is configured; when not, nothing needs checking. */
    public boolean active() {
        return !allow.isEmpty() || !deny.isEmpty();
    }

    /** Whether {@code X-Forwarded-For} is read at all. */
    public boolean readsForwardedFor() {
        return !trusted.isEmpty();
    }

    /**
     * The address the rules judge: the peer's, or, when the peer is a trusted proxy, the rightmost
     * {@code X-Forwarded-For} entry that is not a trusted proxy (the leftmost when all are). An entry that is not an
     * address literal where a trusted proxy's should be makes the address unknown (null), which the rules refuse.
     *
     * @param peer          the socket's remote address bytes, or null when unknown
     * @param forwardedFor  the {@code X-Forwarded-For} header, or null
     */
    public byte[] clientAddress(byte[] peer, String forwardedFor) {
        if (peer == null || trusted.isEmpty() || forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        byte[] current = peer;
        int end = forwardedFor.length();
        while (end > 0) {
            int comma = forwardedFor.lastIndexOf(',', end - 1);
            String hop = forwardedFor.substring(comma + 1, end).strip();
            end = comma < 0 ? 0 : comma;
            byte[] a = literal(hop);
            if (a == null) {
                return null;
            }
            current = a;
            if (!isTrusted(a)) {
                return a;
            }
        }
        return current;
    }

    /** Whether the rules admit {@code address}; an unknown address (null) is admitted only when no rule applies. */
    public boolean permits(byte[] address) {
        if (!active()) {
            return true;
        }
        if (address == null) {
            return false;
        }
        for (Cidr c : deny) {
            if (c.contains(address)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (Cidr c : allow) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The printable form of an address the filter saw, for a log line. */
    public static String text(byte[] address) {
        if (address == null) {
            return "unknown";
        }
        return NetUtil.bytesToIpAddress(Cidr.normalize(address));
    }

    private boolean isTrusted(byte[] a) {
        for (Cidr c : trusted) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] literal(String hop) {
        if (hop.startsWith("[")) { // [2001:db8::1]:443
            int close = hop.indexOf(']');
            hop = close < 0 ? hop : hop.substring(1, close);
        } else if (hop.indexOf(':') == hop.lastIndexOf(':') && hop.indexOf(':') > 0) { // 192.0.2.1:8080
            hop = hop.substring(0, hop.indexOf(':'));
        }
        return NetUtil.createByteArrayFromIpAddressString(hop);
    }
}
