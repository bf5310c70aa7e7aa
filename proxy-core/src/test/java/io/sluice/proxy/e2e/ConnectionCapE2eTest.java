package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.TestConfig;
import org.junit.jupiter.api.Test;

/** {@code server.maxConnections} on real sockets: the counter SluiceServer shares across its event loops. */
class ConnectionCapE2eTest {

    @Test
    void aConnectionOverTheCapIsAnswered503AndClosedAndItsPlaceIsFreedOnClose() throws Exception {
        try (SluiceServer sluice = TestConfig.config().server("maxConnections", 1).mock().start();
             RawHttp first = RawHttp.connect(sluice)) {
            first.send("GET", "/health");
            assertThat(first.readResponse().status()).isEqualTo(200);

            try (RawHttp second = RawHttp.connect(sluice)) {
                HttpWire.Message res = second.readResponse();
                assertThat(res.status()).isEqualTo(503);
                assertThat(res.header("retry-after")).isEqualTo("1");
                assertThat(res.header("connection")).isEqualToIgnoringCase("close");
                assertThat(res.error().get("code").asText()).isEqualTo("too_many_connections");
                assertThat(second.closedByPeer()).isTrue();
            }
            first.send("GET", "/health");
            assertThat(first.readResponse().status()).isEqualTo(200);

            first.close();
            Await.until("a new connection is served once the first has closed", () -> {
                try (RawHttp next = RawHttp.connect(sluice)) {
                    next.send("GET", "/health");
                    return next.readResponse().status() == 200;
                }
            });
            assertThat(sluice.metrics().scrape()).contains("http_connections_refused_total");
        }
    }
}
