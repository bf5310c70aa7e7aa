package io.sluice.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.sluice.codec.testing.Chunks;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@link UpstreamResponseDecoder} on responses as upstreams send them, each fed 1 byte, 7 bytes and whole (in pooled
 * heap and direct buffers): the transcript (heads, body bytes, ends) must not depend on where reads split.
 */
class UpstreamResponseDecoderTest {

    static final int[] SIZES = Chunks.SIZES;

    private EmbeddedChannel ch = new EmbeddedChannel(new UpstreamResponseDecoder(1024));

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    /** Feeds {@code wire} in chunks of {@code size}, then returns "HEAD 200 k=v|body|END" style transcript. */
    private String decode(String wire, int size) {
        for (ByteBuf b : PooledChunks.split(wire, size, PooledChunks.Memory.MIXED)) {
            ch.writeInbound(b);
        }
        return transcript();
    }

    private String transcript() {
        StringBuilder sb = new StringBuilder();
        StringBuilder body = new StringBuilder();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof HttpResponse h) {
                sb.append("HEAD ").append(h.status().code());
                h.headers().forEach(e -> sb.append(' ').append(e.getKey().toLowerCase(Locale.ROOT))
                        .append('=').append(e.getValue()));
                sb.append('\n');
            } else if (m instanceof ByteBuf b) {
                assertThat(b.isReadable()).as("no empty body slices").isTrue();
                body.append(b.toString(StandardCharsets.UTF_8));
                b.release();
            } else if (m == UpstreamResponseDecoder.LAST) {
                sb.append("BODY ").append(body).append("\nEND\n");
                body.setLength(0);
            } else {
                throw new AssertionError("unexpected " + m);
            }
        }
        if (!body.isEmpty()) {
            sb.append("PARTIAL ").append(body).append('\n');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @FieldSource("SIZES")
    void contentLengthBody(int size) {
        assertThat(decode("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                + "{\"ok\":true}", size))
                .isEqualTo("HEAD 200 content-type=application/json content-length=11\nBODY {\"ok\":true}\nEND\n");
    }

    @ParameterizedTest
    @FieldSource("SIZES")
    void chunkedBodyWithExtensionsAndTrailers(int size) {
        assertThat(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n"
                + "6\r\ndata: \r\n"
                + "A;ext=1\r\n{\"a\":\"b\"}\n\r\n"
                + "1 \r\n\n\r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n", size))
                .isEqualTo("HEAD 200 transfer-encoding=chunked\nBODY data: {\"a\":\"b\"}\n\n\nEND\n");
    }

    @ParameterizedTest
    @FieldSource("SIZES")
    void keepAliveResponsesBackToBack(int size) {
        assertThat(decode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
                + "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", size))
                .isEqualTo("HEAD 200 content-length=2\nBODY hi\nEND\n"
                        + "HEAD 429 content-length=0\nBODY \nEND\n"
                        + "HEAD 204\nBODY \nEND\n"
                        + "HEAD 200 transfer-encoding=chunked\nBODY abc\nEND\n");
    }

    @ParameterizedTest
    @FieldSource("SIZES")
    void interimResponseBeforeTheFinalOne(int size) {
        assertThat(decode("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", size))
                .isEqualTo("HEAD 100\nBODY \nEND\nHEAD 200 content-length=1\nBODY x\nEND\n");
    }

    @ParameterizedTest
    @FieldSource("SIZES")
    void bodyUntilCloseEndsWithTheConnection(int size) {
        String t = decode("HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\ndata: 2\n\n", size);
        assertThat(t).isEqualTo("HEAD 200 content-type=text/event-stream\nPARTIAL data: 1\n\ndata: 2\n\n\n");
        ch.finish();
        assertThat(transcript()).isEqualTo("BODY \nEND\n");
    }

    @Test
    void nonChunkedTransferCodingReadsUntilClose() {
        assertThat(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", Integer.MAX_VALUE))
                .isEqualTo("HEAD 200 transfer-encoding=gzip\nPARTIAL zz\n");
    }

    @Test
    void bodySlicesAreViewsOfTheReadNotCopies() {
        ByteBuf read = PooledChunks.direct("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        ch.writeInbound(read);
        assertThat((Object) ch.readInbound()).isInstanceOf(HttpResponse.class);
        ByteBuf body = ch.readInbound();
        // The decoder let go of the read; the slice keeps it alive, and a write into it shows through the slice.
        read.setByte(read.writerIndex() - 5, 'J');
        assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo("Jello");
        body.release();
        assertThat((Object) ch.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    @Test
    void emptyLinesBeforeTheStatusLineAreTolerated() {
        assertThat(decode("\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1))
                .isEqualTo("HEAD 200 content-length=0\nBODY \nEND\n");
    }

    static List<String[]> malformed() {
        List<String[]> l = new ArrayList<>();
        l.add(new String[] {"SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.x status line"});
        l.add(new String[] {"HTTP/1.1 abc OK\r\n\r\n", "status code is not a number"});
        l.add(new String[] {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting"});
        l.add(new String[] {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"});
        l.add(new String[] {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size"});
        l.add(new String[] {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
            "longer than its size"});
        l.add(new String[] {"HTTP/1.1 200 OK\r\nX: a\r\n  folded\r\n\r\n", "folding"});
        l.add(new String[] {"HTTP/1.1 200 OK\r\nX : a\r\n\r\n", "whitespace before a header colon"});
        l.add(new String[] {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "without a colon"});
        l.add(new String[] {"HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n", "larger than 1024"});
        return l;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("malformed")
    void malformedResponsesFailClearly(String wire, String message) {
        List<ByteBuf> chunks = PooledChunks.split(wire, 7, PooledChunks.Memory.HEAP);
        assertThatThrownBy(() -> {
            while (!chunks.isEmpty()) {
                ch.writeInbound(chunks.remove(0));
            }
        }).isInstanceOf(DecoderException.class).hasMessageContaining(message);
        chunks.forEach(ByteBuf::release);
        transcript(); // releases whatever was decoded before the failure
    }
}
