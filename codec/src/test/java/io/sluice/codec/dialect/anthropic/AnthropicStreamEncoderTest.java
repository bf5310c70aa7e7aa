package io.sluice.codec.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.json.Usage;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.HubRecorder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hub transcripts replayed into the encoder; the bytes equal {@code dialect/anthropic/encoded/<name>.sse}. */
class AnthropicStreamEncoderTest {

    @ParameterizedTest
    @ValueSource(strings = {"text", "tools", "thinking", "length", "error", "truncated"})
    void encodesSharedTranscript(String name) {
        String hub = Golden.read("dialect/hub/" + name + ".hub");
        Golden.check("dialect/anthropic/encoded/" + name + ".sse", encode(hub));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interleaved", "mixed"})
    void encodesOwnTranscript(String name) {
        String hub = Golden.read("dialect/anthropic/hub/" + name + ".hub");
        Golden.check("dialect/anthropic/encoded/" + name + ".sse", encode(hub));
    }

    /** Replays {@code transcript}, taking the output after every event, as the proxy does after each upstream read. */
    static String encode(String transcript) {
        HubRequest req = new HubRequest();
        req.model = "claude-sonnet-4-20250514";
        StreamEncoder enc = AnthropicDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, req);
        StringBuilder out = new StringBuilder();
        try {
            HubRecorder.replay(transcript, new Taking(enc, out));
        } finally {
            enc.release();
        }
        return out.toString();
    }

    @Test
    void nothingAfterTheEnd() {
        StreamEncoder enc = AnthropicDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, new HubRequest());
        StringBuilder out = new StringBuilder();
        Taking t = new Taking(enc, out);
        t.onStart("msg_1", "m", 0);
        t.onEnd();
        int length = out.length();
        t.onText("late");
        t.onError(new HubError(500, HubError.API_ERROR, "late"));
        t.onEnd();
        enc.release();
        assertThat(out.length()).isEqualTo(length);
        assertThat(out.toString()).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void errorBeforeStartIsTheWholeStream() {
        StreamEncoder enc = AnthropicDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, new HubRequest());
        StringBuilder out = new StringBuilder();
        new Taking(enc, out).onError(new HubError(429, HubError.RATE_LIMIT, "slow down"));
        enc.release();
        assertThat(out.toString()).isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":"
                + "{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}\n\n");
    }

    @Test
    void releaseFreesWhatWasNotTaken() {
        StreamEncoder enc = AnthropicDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, new HubRequest());
        enc.onStart("msg_1", "m", 0);
        enc.onText("never taken");
        enc.release();
        enc.release();
        assertThat(enc.take()).isNull();
    }

    /** Forwards to the encoder and appends what it produced after each call. */
    static final class Taking implements HubListener {
        private final StreamEncoder enc;
        private final StringBuilder out;

        Taking(StreamEncoder enc, StringBuilder out) {
            this.enc = enc;
            this.out = out;
        }

        private void take() {
            ByteBuf b = enc.take();
            if (b != null) {
                out.append(b.toString(StandardCharsets.UTF_8));
                b.release();
            }
        }

        @Override
        public void onStart(String id, String model, long created) {
            enc.onStart(id, model, created);
            take();
        }

        @Override
        public void onText(String delta) {
            enc.onText(delta);
            take();
        }

        @Override
        public void onReasoning(String delta) {
            enc.onReasoning(delta);
            take();
        }

        @Override
        public void onReasoningSignature(String signature) {
            enc.onReasoningSignature(signature);
            take();
        }

        @Override
        public void onRedactedReasoning(String data) {
            enc.onRedactedReasoning(data);
            take();
        }

        @Override
        public void onToolCallStart(int slot, String id, String name) {
            enc.onToolCallStart(slot, id, name);
            take();
        }

        @Override
        public void onToolCallArguments(int slot, String fragment) {
            enc.onToolCallArguments(slot, fragment);
            take();
        }

        @Override
        public void onFinish(FinishReason reason, String stopSequence) {
            enc.onFinish(reason, stopSequence);
            take();
        }

        @Override
        public void onUsage(Usage usage) {
            enc.onUsage(usage);
            take();
        }

        @Override
        public void onEnd() {
            enc.onEnd();
            take();
        }

        @Override
        public void onError(HubError error) {
            enc.onError(error);
            take();
        }
    }
}
