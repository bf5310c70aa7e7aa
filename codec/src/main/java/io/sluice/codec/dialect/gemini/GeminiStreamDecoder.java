package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.SseStreamDecoder;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import java.io.IOException;

/**
 * Decodes {@code streamGenerateContent?alt=sse}: every {@code data:} is a whole {@code GenerateContentResponse}
 * (or {@code {"error":…}}), and there is no terminal event: a body that ends after a finish reason (or a blocked
 * prompt) is complete, one that ends before is truncated.
 *
 * <p>State: {@link GeminiEmitter} (started, slots, finish seen) plus one reused {@link GeminiChunk}.
 */
final class GeminiStreamDecoder extends SseStreamDecoder implements GeminiEmitter.Host {

    private final GeminiChunk chunk = new GeminiChunk();
    private final GeminiEmitter emitter;

    GeminiStreamDecoder(HubListener listener) {
        super(listener);
        this.emitter = new GeminiEmitter(listener);
    }

    @Override
    protected void onJson(String event, JsonParser json) throws IOException {
        if (json.nextToken() != JsonToken.START_OBJECT) {
            fail(new HubError(502, HubError.API_ERROR, "upstream sent an event that is not a GenerateContentResponse"));
            return;
        }
        GeminiChunkParser.parse(json, chunk);
        HubError error = emitter.apply(chunk, this);
        if (error != null) {
            fail(error);
        }
    }

    @Override
    public void hostStart(String id, String model) {
        start(id, model, 0);
    }

    /** Gemini has no terminal event: the finish reason is what makes a stream complete. */
    @Override
    protected void onBodyEnd() {
        if (emitter.finishSeen()) {
            finish();
        } else {
            fail(HubError.truncated());
        }
    }

    /** Gemini never sends {@code [DONE]}; some relays append one. Read it as the end of the body. */
    @Override
    protected void onDone() {
        onBodyEnd();
    }
}
