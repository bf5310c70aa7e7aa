package io.sluice.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.json.Usage;
import io.sluice.providers.Operation;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.exchange.UpstreamRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 20: passthrough events cut at their boundaries, whatever the upstream buffers; usage chunk and keys. */
class PassthroughUsageTest {

    private static final String KEY = "sk-slicer-test-0123456789abcdef";

    private static final String CHUNK = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n";
    private static final String USAGE = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
            + "\"total_tokens\":7}}\n\n";
    private static final String ERROR = "data: {\"error\":{\"message\":\"bad key " + KEY + "\"}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    private static UpstreamRequest request(boolean includeUsage) {
        ProviderConfig p = new ProviderConfig("p", "openai-compatible", URI.create("http://h"), List.of(KEY), null,
                null, true, null);
        return new UpstreamRequest("m", p, "m", true, includeUsage, -1, -1, Unpooled.EMPTY_BUFFER, Dialects.OPENAI,
                null, null, null, Operation.CHAT, null);
    }

    /** Feeds {@code stream} in pieces of {@code size} bytes; what the client gets, and the usage read. */
    private static String run(String stream, int size, boolean includeUsage, Usage[] usage) {
        PassthroughUsage p = new PassthroughUsage(Dialects.OPENAI, true, request(includeUsage));
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bytes.length; i += size) {
            int n = Math.min(size, bytes.length - i);
            ByteBuf buf = Unpooled.directBuffer(n).writeBytes(bytes, i, n);
            try {
                ByteBuf o = p.forward(buf, i + n >= bytes.length);
                if (o != null) {
                    out.append(o.toString(StandardCharsets.UTF_8));
                    o.release();
                }
            } finally {
                buf.release();
            }
        }
        usage[0] = p.finish();
        return out.toString();
    }

    @Test
    void anySplitDropsTheUnaskedUsageChunkAndMasksErrors() {
        String stream = CHUNK + CHUNK + USAGE + ERROR + DONE;
        String expected = CHUNK + CHUNK + ERROR.replace(KEY, Secrets.mask(KEY)) + DONE;
        for (int size = 1; size <= stream.length(); size++) {
            Usage[] usage = new Usage[1];
            String got = run(stream, size, false, usage);
            assertThat(got).as("pieces of %d", size).doesNotContain(KEY).doesNotContain("\"usage\"");
            assertThat(got).as("pieces of %d", size).isEqualTo(expected);
            assertThat(usage[0].completionTokens()).isEqualTo(4);
        }
    }

    @Test
    void crlfStreamsAndClientsThatAskedKeepEverythingButTheKey() {
        String stream = (CHUNK + USAGE + ERROR + DONE).replace("\n", "\r\n");
        for (int size = 1; size <= stream.length(); size++) {
            Usage[] usage = new Usage[1];
            String got = run(stream, size, true, usage);
            assertThat(got).as("pieces of %d", size).isEqualTo(stream.replace(KEY, Secrets.mask(KEY)));
            assertThat(usage[0].promptTokens()).isEqualTo(3);
        }
    }

    @Test
    void aWholeBufferOfPlainEventsGoesItself() {
        PassthroughUsage p = new PassthroughUsage(Dialects.OPENAI, true, request(true));
        ByteBuf buf = Unpooled.copiedBuffer(CHUNK + CHUNK, StandardCharsets.UTF_8);
        ByteBuf out = p.forward(buf, false);
        assertThat(out).isSameAs(buf);
        assertThat(buf.refCnt()).isEqualTo(2);
        out.release();
        buf.release();
        p.finish();
    }

    @Test
    void aStreamCutMidEventSendsWhatItHad() {
        Usage[] usage = new Usage[1];
        String stream = CHUNK + "data: {\"choi";
        for (int size = 1; size <= stream.length(); size++) {
            assertThat(run(stream, size, false, usage)).isEqualTo(stream);
        }
    }
}
