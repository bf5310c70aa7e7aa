package io.sluice.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.metrics.SluiceMetrics;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admission chain's head step: IP rules through trusted proxies. */
class AdmissionTest {

    private final SluiceMetrics metrics = new SluiceMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private Admission admission() {
        return new Admission(ConfigLoader.parse("""
                server: {host: 127.0.0.1, port: 0}
                access:
                  ipAllow: [127.0.0.1/32]
                  trustedProxies: [127.0.0.1/32]
                providers:
                  mock: {}
                """, Map.of()), metrics, System::nanoTime);
    }

    /**
     * Issue 20, item 3: HAProxy's {@code option forwardfor} adds its own header line. Reading only the first line let
     * {@code X-Forwarded-For: 127.0.0.1} + {@code X-Forwarded-For: 10.9.9.9} pass an allow-list that the joined form
     * ({@code 127.0.0.1, 10.9.9.9}) refuses: the client is the rightmost untrusted address, 10.9.9.9.
     */
    @Test
    void forwardedForOverSeveralLinesIsReadAsOneList() {
        HttpHeaders twoLines = new DefaultHttpHeaders().add("X-Forwarded-For", "127.0.0.1")
                .add("X-Forwarded-For", "10.9.9.9");
        HttpHeaders joined = new DefaultHttpHeaders().add("X-Forwarded-For", "127.0.0.1, 10.9.9.9");
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", 40000);

        Access.Verdict split = admission().atHead(proxy, twoLines, null, true);
        Access.Verdict one = admission().atHead(proxy, joined, null, true);

        assertThat(one.denial()).isNotNull();
        assertThat(split.denial()).as("two lines read like one").isNotNull();
        assertThat(split.denial().status()).isEqualTo(403);
        assertThat(split.denial().message()).contains("10.9.9.9");
    }

    @Test
    void aLocalClientBehindTheTrustedProxyIsAdmitted() {
        HttpHeaders h = new DefaultHttpHeaders().add("X-Forwarded-For", "127.0.0.1");
        assertThat(admission().atHead(new InetSocketAddress("127.0.0.1", 40000), h, null, true).denial()).isNull();
    }
}
