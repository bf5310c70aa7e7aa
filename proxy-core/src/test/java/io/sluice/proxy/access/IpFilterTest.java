package io.sluice.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import io.sluice.proxy.config.Cidr;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpFilterTest {

    private static byte[] ip(String text) {
        return NetUtil.createByteArrayFromIpAddressString(text);
    }

    private static List<Cidr> cidrs(String... text) {
        return Arrays.stream(text).map(Cidr::parse).toList();
    }

    @Test
    void noRulesAdmitsEveryoneEvenUnknownPeers() {
        IpFilter f = new IpFilter(List.of(), List.of(), List.of());
        assertThat(f.active()).isFalse();
        assertThat(f.permits(ip("203.0.113.9"))).isTrue();
        assertThat(f.permits(null)).isTrue();
    }

    @Test
    void denyWinsOverAllow() {
        IpFilter f = new IpFilter(cidrs("10.0.0.0/8"), cidrs("10.1.0.0/16"), List.of());
        assertThat(f.permits(ip("10.2.3.4"))).isTrue();
        assertThat(f.permits(ip("10.1.3.4"))).isFalse();
        assertThat(f.permits(ip("192.0.2.1"))).isFalse();
        assertThat(f.permits(null)).isFalse(); // fail closed on an address we cannot read
    }

    @Test
    void denyListAloneAdmitsTheRest() {
        IpFilter f = new IpFilter(List.of(), cidrs("198.51.100.0/24", "2001:db8::/32"), List.of());
        assertThat(f.permits(ip("198.51.100.7"))).isFalse();
        assertThat(f.permits(ip("::ffff:198.51.100.7"))).isFalse(); // dual-stack listener: same address
        assertThat(f.permits(ip("2001:db8::5"))).isFalse();
        assertThat(f.permits(ip("198.51.101.7"))).isTrue();
    }

    @Test
    void forwardedForIsIgnoredUnlessThePeerIsTrusted() {
        IpFilter untrusting = new IpFilter(cidrs("10.0.0.0/8"), List.of(), List.of());
        assertThat(untrusting.readsForwardedFor()).isFalse();
        assertThat(untrusting.clientAddress(ip("203.0.113.9"), "10.0.0.1")).isEqualTo(ip("203.0.113.9"));
        IpFilter f = new IpFilter(cidrs("10.0.0.0/8"), List.of(), cidrs("127.0.0.1"));
        // A peer that is not a trusted proxy cannot choose its address by sending the header itself.
        assertThat(f.clientAddress(ip("203.0.113.9"), "10.0.0.1")).isEqualTo(ip("203.0.113.9"));
        assertThat(f.clientAddress(ip("127.0.0.1"), "10.0.0.1")).isEqualTo(ip("10.0.0.1"));
        assertThat(f.clientAddress(ip("127.0.0.1"), null)).isEqualTo(ip("127.0.0.1"));
    }

    @Test
    void theRightmostUntrustedHopIsTheClient() {
        IpFilter f = new IpFilter(cidrs("10.0.0.0/8"), List.of(), cidrs("127.0.0.1", "172.16.0.0/12"));
        // The client wrote "10.0.0.1" itself; the proxies appended what they saw: 203.0.113.9, then 172.16.0.5.
        assertThat(f.clientAddress(ip("127.0.0.1"), "10.0.0.1, 203.0.113.9, 172.16.0.5"))
                .isEqualTo(ip("203.0.113.9"));
        assertThat(f.clientAddress(ip("127.0.0.1"), "10.0.0.1,172.16.0.5")).isEqualTo(ip("10.0.0.1"));
        // All hops trusted: the leftmost.
        assertThat(f.clientAddress(ip("127.0.0.1"), "172.16.0.9, 172.16.0.5")).isEqualTo(ip("172.16.0.9"));
        // Garbage where a trusted hop's entry should be: the address is unknown, and unknown is refused.
        assertThat(f.clientAddress(ip("127.0.0.1"), "10.0.0.1, not-an-ip, 172.16.0.5")).isNull();
        assertThat(f.clientAddress(ip("127.0.0.1"), "unknown")).isNull();
        assertThat(f.permits(f.clientAddress(ip("127.0.0.1"), "unknown"))).isFalse();
        // Garbage left of the client's real address is the client's own doing and changes nothing.
        assertThat(f.clientAddress(ip("127.0.0.1"), "not-an-ip, 203.0.113.9")).isEqualTo(ip("203.0.113.9"));
        // Ports and brackets as some balancers write them.
        assertThat(f.clientAddress(ip("127.0.0.1"), "203.0.113.9:51000")).isEqualTo(ip("203.0.113.9"));
        assertThat(f.clientAddress(ip("127.0.0.1"), "[2001:db8::7]:443")).isEqualTo(ip("2001:db8::7"));
        assertThat(f.clientAddress(ip("127.0.0.1"), "2001:db8::7")).isEqualTo(ip("2001:db8::7"));
    }

    @Test
    void textOfAddresses() {
        assertThat(IpFilter.text(ip("::ffff:10.1.2.3"))).isEqualTo("10.1.2.3");
        assertThat(IpFilter.text(null)).isEqualTo("unknown");
    }
}
