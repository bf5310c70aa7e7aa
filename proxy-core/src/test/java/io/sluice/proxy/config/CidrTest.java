package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static byte[] ip(String text) {
        return NetUtil.createByteArrayFromIpAddressString(text);
    }

    @Test
    void ipv4BlocksMatchTheirAddressesOnly() {
        Cidr c = Cidr.parse("10.0.0.0/8");
        assertThat(c.contains(ip("10.0.0.0"))).isTrue();
        assertThat(c.contains(ip("10.255.255.255"))).isTrue();
        assertThat(c.contains(ip("11.0.0.0"))).isFalse();
        assertThat(c.contains(ip("9.255.255.255"))).isFalse();
        Cidr odd = Cidr.parse("192.168.4.0/22"); // a prefix that is not a whole byte
        assertThat(odd.contains(ip("192.168.7.255"))).isTrue();
        assertThat(odd.contains(ip("192.168.8.0"))).isFalse();
        assertThat(odd.contains(ip("192.168.3.255"))).isFalse();
    }

    @Test
    void singleAddressesAndPrefixZero() {
        Cidr one = Cidr.parse("192.0.2.7");
        assertThat(one.contains(ip("192.0.2.7"))).isTrue();
        assertThat(one.contains(ip("192.0.2.6"))).isFalse();
        Cidr all = Cidr.parse("0.0.0.0/0");
        assertThat(all.contains(ip("203.0.113.9"))).isTrue();
        assertThat(all.contains(ip("2001:db8::1"))).isFalse(); // v4 rules never match v6 addresses
        assertThat(Cidr.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
    }

    @Test
    void ipv6BlocksAndBrackets() {
        Cidr c = Cidr.parse("2001:db8::/32");
        assertThat(c.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(c.contains(ip("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("[::1]").contains(ip("::1"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").contains(ip("febf::1"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").contains(ip("fec0::1"))).isFalse();
    }

    @Test
    void mappedIpv4IsTheIpv4AddressBothWays() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("::ffff:10.1.2.3"))).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("::ffff:127.0.0.1"))).isTrue();
        Cidr mapped = Cidr.parse("::ffff:10.0.0.0/104");
        assertThat(mapped).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(mapped.contains(ip("10.9.9.9"))).isTrue();
    }

    @Test
    void refusesWhatIsNotALiteralBlock() {
        assertThatThrownBy(() -> Cidr.parse("localhost")).hasMessageContaining("not an IP address literal");
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("not an IP address literal");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("longer than 32 bits");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::/129")).hasMessageContaining("longer than 128 bits");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).hasMessageContaining("bad prefix");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/-1")).hasMessageContaining("bad prefix");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/8x")).hasMessageContaining("bad prefix");
        assertThatThrownBy(() -> Cidr.parse("256.0.0.1")).hasMessageContaining("not an IP address literal");
        assertThatThrownBy(() -> Cidr.parse(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Cidr.parse("fe80::1%eth0")).hasMessageContaining("not an IP address literal");
    }

    @Test
    void hostBitsBelowThePrefixAreATypo() {
        assertThatThrownBy(() -> Cidr.parse("192.168.1.5/24"))
                .hasMessageContaining("host bits set").hasMessageContaining("did you mean 192.168.1.0/24?");
    }

    @Test
    void keepsItsTextAndCompares() {
        assertThat(Cidr.parse(" 10.0.0.0/8 ").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse("10.0.0.0/8")).isEqualTo(Cidr.parse("10.0.0.0/8"))
                .hasSameHashCodeAs(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
    }
}
