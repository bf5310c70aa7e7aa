package io.sluice.codec.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.HubRecorder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The shared hub transcripts replayed into the Gemini encoder; bytes compared with reviewed golden streams. */
class GeminiStreamEncoderTest {

    static final List<String> HUBS = List.of("text", "tools", "thinking", "length", "error", "truncated");

    /** Replays {@code transcript}, taking the output after every event (as the proxy does per upstream read). */
    static String encode(String transcript, boolean takeEachEvent) {
        HubRequest req = new HubRequest();
        StreamEncoder enc = GeminiDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, req);
        StringBuilder sb = new StringBuilder();
        try {
            for (String line : transcript.split("\n")) {
                HubRecorder.replay(line, enc);
                if (takeEachEvent) {
                    take(enc, sb);
                }
            }
            take(enc, sb);
        } finally {
            enc.release();
        }
        return sb.toString();
    }

    private static void take(StreamEncoder enc, StringBuilder sb) {
        ByteBuf b = enc.take();
        if (b != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
    }

    @ParameterizedTest
    @FieldSource("HUBS")
    void hubTranscriptEncodesToGolden(String name) {
        String hub = Golden.read("dialect/hub/" + name + ".hub");
        String whole = encode(hub, false);
        assertThat(encode(hub, true)).isEqualTo(whole);
        Golden.check("dialect/gemini/encoded/" + name + ".sse", whole);
    }
}
