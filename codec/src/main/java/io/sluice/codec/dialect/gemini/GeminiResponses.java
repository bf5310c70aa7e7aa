package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.hub.HubResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Non-streaming {@code generateContent} responses: one {@code GenerateContentResponse} with every part. Decoding also
 * takes the JSON array {@code streamGenerateContent} returns without {@code alt=sse} (its elements are read as the
 * events of a stream).
 */
final class GeminiResponses {

    private GeminiResponses() {
    }

    static void decode(ByteBuf body, HubListener listener) {
        GeminiEmitter emitter = new GeminiEmitter(listener);
        GeminiChunk chunk = new GeminiChunk();
        GeminiEmitter.Host host = (id, model) -> listener.onStart(id, model, 0);
        HubError error = null;
        try (JsonParser p = JsonIo.parser(body)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                GeminiChunkParser.parse(p, chunk);
                error = emitter.apply(chunk, host);
            } else if (t == JsonToken.START_ARRAY) {
                while (error == null && p.nextToken() == JsonToken.START_OBJECT) {
                    GeminiChunkParser.parse(p, chunk);
                    error = emitter.apply(chunk, host);
                }
            } else {
                error = notGemini();
            }
        } catch (IOException | RuntimeException e) {
            error = new HubError(502, HubError.API_ERROR, "upstream response is not valid JSON: "
                    + e.getClass().getSimpleName());
        }
        if (error == null && !emitter.started()) {
            error = notGemini();
        }
        if (error != null) {
            listener.onError(error);
        } else {
            listener.onEnd();
        }
    }

    private static HubError notGemini() {
        return new HubError(502, HubError.API_ERROR, "upstream response is not a GenerateContentResponse");
    }

    static ByteBuf encode(HubResponse r, ByteBufAllocator alloc) {
        if (r.error() != null) {
            return GeminiErrors.encode(r.error(), alloc);
        }
        ByteBuf buf = alloc.buffer(256);
        try (JsonGenerator g = JsonIo.FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
            g.writeStartObject();
            g.writeArrayFieldStart("candidates");
            g.writeStartObject();
            if (GeminiModelParts.hasContent(r.content(), r.toolCalls())) {
                g.writeObjectFieldStart("content");
                GeminiModelParts.write(g, r.content(), r.toolCalls(), null, true);
                g.writeStringField("role", "model");
                g.writeEndObject();
            }
            if (r.finish() != null) {
                g.writeStringField("finishReason", GeminiMappings.finishToGemini(r.finish()));
            }
            g.writeNumberField("index", 0);
            g.writeEndObject();
            g.writeEndArray();
            if (r.usage() != null) {
                g.writeObjectFieldStart("usageMetadata");
                GeminiMappings.writeUsage(g, r.usage());
                g.writeEndObject();
            }
            if (r.model() != null) {
                g.writeStringField("modelVersion", r.model());
            }
            if (r.id() != null) {
                g.writeStringField("responseId", r.id());
            }
            g.writeEndObject();
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        return buf;
    }
}
