package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadSpecTest {

    @Test
    void defaults() {
        LoadSpec s = LoadSpec.builder("http://127.0.0.1:8080/v1/chat/completions?x=1").rate(10).build();
        assertThat(s.method()).isEqualTo("GET");
        assertThat(s.mode()).isEqualTo(LoadMode.OPEN);
        assertThat(s.connections()).isEqualTo(LoadSpec.DEFAULT_CONNECTIONS);
        assertThat(s.keepAlive()).isTrue();
        assertThat(s.requireStreamEnd()).isFalse(); // not streaming
        assertThat(s.bodies()).hasSize(1);
        assertThat(s.requestPath()).isEqualTo("/v1/chat/completions?x=1");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(LoadSpec.builder("http://localhost").rate(1).body("x").build().method()).isEqualTo("POST");
        assertThat(LoadSpec.builder("http://[::1]:9/").rate(1).build().host()).isEqualTo("::1");
    }

    @Test
    void rejectsBadValuesSayingWhatWasExpected() {
        assertThatThrownBy(() -> LoadSpec.builder("http://127.0.0.1:1/").build())
                .hasMessageStartingWith("rate: 0.0 (expected: > 0");
        assertThatThrownBy(() -> LoadSpec.builder("http://127.0.0.1:1/").rate(1).connections(0).build())
                .hasMessage("connections: 0 (expected: 1..60000)");
        assertThatThrownBy(() -> LoadSpec.builder("http://127.0.0.1:1/").rate(1).duration(Duration.ZERO).build())
                .hasMessage("duration: PT0S (expected: > 0)");
        assertThatThrownBy(() -> LoadSpec.builder("https://127.0.0.1:1/").rate(1).build())
                .hasMessageContaining("https is not supported");
        assertThatThrownBy(() -> LoadSpec.builder("http://example.com/").rate(1).build())
                .hasMessageStartingWith("target host: example.com (expected: localhost or a loopback address");
        assertThatThrownBy(() -> LoadSpec.builder("http://10.0.0.1/").rate(1).build())
                .hasMessageStartingWith("target host: 10.0.0.1");
        assertThatThrownBy(() -> LoadSpec.builder("http://127.0.0.1:1/").rate(1).method("HEAD").build())
                .hasMessageContaining("HEAD and CONNECT are not supported");
        assertThatThrownBy(() -> LoadSpec.builder("http://127.0.0.1:1/").header("Connection", "close"))
                .hasMessageStartingWith("header Connection: set by the generator");
        assertThatThrownBy(() -> LoadSpec.Header.parse("no colon"))
                .hasMessage("header: \"no colon\" (expected: Name: value)");
        assertThat(LoadSpec.builder("http://10.0.0.1/").rate(1).allowRemote(true).build().host()).isEqualTo("10.0.0.1");
        // Closed loop needs no rate.
        assertThat(LoadSpec.builder("http://127.0.0.1:1/").mode(LoadMode.CLOSED).build().rate()).isZero();
    }

    @Test
    void requestIsEncodedOnceWithHostLengthAndConnection() {
        LoadSpec s = LoadSpec.builder("http://127.0.0.1:8080/v1/x").rate(1).keepAlive(false)
                .header("Authorization", "Bearer k").body("{}").build();
        String wire = new String(RequestTemplates.bytes(s, s.bodies().get(0)), StandardCharsets.UTF_8);
        assertThat(wire).isEqualTo("POST /v1/x HTTP/1.1\r\n"
                + "Host: 127.0.0.1:8080\r\n"
                + "User-Agent: sluice-bench\r\n"
                + "Authorization: Bearer k\r\n"
                + "Content-Length: 2\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "{}");
    }

    @Test
    void remoteNameIsRefusedAfterResolution() {
        // "localhost" passes the syntactic check; resolution must still land on loopback (it does here).
        assertThat(LoadGenerator.resolve(LoadSpec.builder("http://localhost:1/").rate(1).build()).getAddress()
                .isLoopbackAddress()).isTrue();
    }
}
