package io.sluice.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** Transport failures reach clients in plain words, without system-call texts or internal addresses. */
class EarlyAnswersTest {

    @Test
    void nativeTransportTextsBecomePlainWords() {
        assumeTrue(Epoll.isAvailable(), "the native transport's exceptions need its library loaded");
        assertThat(EarlyAnswers.describe(new Errors.NativeIoException(
                "recvAddress(..) failed with error(-104): Connection reset by peer", -104)))
                .isEqualTo("connection reset by the provider");
        assertThat(EarlyAnswers.describe(new Errors.NativeIoException(
                "writevAddresses(..) failed with error(-32): Broken pipe", -32)))
                .isEqualTo("connection closed by the provider");
        assertThat(EarlyAnswers.describe(new Errors.NativeIoException("syscall:read(..) failed: Unknown", -5)))
                .isEqualTo("connection failed");
    }

    @Test
    void jdkAndNettyExceptionsBecomePlainWords() {
        assertThat(EarlyAnswers.describe(new ConnectException(
                "connect(..) failed with error(-111): Connection refused: /10.1.2.3:443")))
                .isEqualTo("connection refused");
        assertThat(EarlyAnswers.describe(new ConnectException("Connection refused")))
                .isEqualTo("connection refused");
        assertThat(EarlyAnswers.describe(new ConnectTimeoutException("connection timed out after 5000 ms: "
                + "/10.1.2.3:443"))).isEqualTo("timed out");
        assertThat(EarlyAnswers.describe(new SocketException("Connection reset")))
                .isEqualTo("connection reset by the provider");
        assertThat(EarlyAnswers.describe(new IOException("Connection reset by peer")))
                .isEqualTo("connection reset by the provider");
        assertThat(EarlyAnswers.describe(new ClosedChannelException()))
                .isEqualTo("connection closed by the provider");
    }

    @Test
    void sluicesOwnMessagesAreKept() {
        assertThat(EarlyAnswers.describe(new ConnectException("no connection to http://p:80 free within 5s")))
                .isEqualTo("no connection to http://p:80 free within 5s");
        assertThat(EarlyAnswers.describe(new IllegalStateException("something specific")))
                .isEqualTo("something specific");
        assertThat(EarlyAnswers.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
