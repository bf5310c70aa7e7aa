package io.sluice.codec.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.testing.Chunks;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider dialect's recorded-shape streams (text, parallel tool calls, thinking with signature, usage, a
 * mid-stream error, a truncated stream) translated to every client dialect, end to end through the hub, compared with
 * golden files under {@code dialect/matrix/<provider>/<fixture>.<client>.sse}. Each fixture is fed 1 byte, 7 bytes and
 * whole (mixed heap and direct pooled buffers); the output must not depend on the split.
 */
class TranslationMatrixTest {

    /** Per provider dialect: its fixtures for the five stream situations every pair must handle. */
    private static final String[][] FIXTURES = {
        {"openai", "text", "parallel-tools", "deepseek-reasoning", "error-midstream", "truncated"},
        {"anthropic", "text", "tools", "thinking", "error", "truncated"},
        {"gemini", "text", "tools", "thinking", "error", "truncated"},
        {"responses", "text", "tools", "reasoning", "failed", "truncated"},
    };

    /** One case per provider fixture, every client dialect inside it (each test case pays a leak-check GC). */
    static List<Arguments> fixtures() {
        List<Arguments> out = new ArrayList<>();
        for (String[] row : FIXTURES) {
            for (int i = 1; i < row.length; i++) {
                out.add(Arguments.of(row[0], row[i]));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}/{1} -> every client dialect")
    @MethodSource("fixtures")
    void translatesToEveryClientWhateverTheChunking(String provider, String fixture) {
        for (Dialect client : Dialects.ALL) {
            translatesWhateverTheChunking(provider, fixture, client.name());
        }
    }

    private void translatesWhateverTheChunking(String provider, String fixture, String client) {
        String input = Golden.read("dialect/" + provider + "/" + fixture + ".sse");
        String whole = null;
        for (int size : Chunks.SIZES) {
            String out = translate(Dialects.byName(provider), Dialects.byName(client), input, size);
            // Anthropic and Gemini streams carry no creation time: encoders write the clock's; golden files can't.
            if (provider.equals("gemini") || provider.equals("anthropic")) {
                out = out.replaceAll("\"created(_at)?\":\\d+", "\"created$1\":0");
            }
            if (whole == null) {
                whole = out;
            } else {
                assertThat(out).as("chunk size " + size).isEqualTo(whole);
            }
        }
        Golden.check("dialect/matrix/" + provider + "/" + fixture + "." + client + ".sse", whole);
    }

    private static String translate(Dialect provider, Dialect client, String input, int size) {
        HubRequest request = new HubRequest();
        request.stream = true;
        request.includeUsage = true;
        StreamEncoder encoder = client.streamEncoder(ByteBufAllocator.DEFAULT, request);
        StreamDecoder decoder = provider.streamDecoder(encoder);
        StringBuilder out = new StringBuilder();
        try {
            for (ByteBuf chunk : PooledChunks.split(input, size, PooledChunks.Memory.MIXED)) {
                try {
                    decoder.feed(chunk);
                } finally {
                    chunk.release();
                }
                drain(encoder, out);
            }
            decoder.end();
            drain(encoder, out);
            assertThat(decoder.finished()).isTrue();
        } finally {
            decoder.release();
            encoder.release();
        }
        return out.toString();
    }

    private static void drain(StreamEncoder encoder, StringBuilder out) {
        ByteBuf b = encoder.take();
        if (b != null) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
    }
}
