package io.sluice.codec.dialect.gemini;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.HubResponse;

/**
 * Google Gemini, {@code https://generativelanguage.googleapis.com/v1beta}: {@code /models/{model}:generateContent}
 * and {@code /models/{model}:streamGenerateContent?alt=sse}. Stateless; the pieces are:
 * {@link GeminiRequestReader}, {@link GeminiRequestWriter} (with {@link GeminiSchemaCleaner}),
 * {@link GeminiStreamDecoder}, {@link GeminiStreamEncoder}, {@link GeminiResponses}, {@link GeminiErrors}.
 */
public final class GeminiDialect implements Dialect {

    public static final GeminiDialect INSTANCE = new GeminiDialect();

    private GeminiDialect() {
    }

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public HubRequest readRequest(ByteBuf body) throws RequestException {
        return GeminiRequestReader.read(body);
    }

    @Override
    public StreamEncoder streamEncoder(ByteBufAllocator alloc, HubRequest request) {
        return new GeminiStreamEncoder(alloc, request == null ? null : request.model);
    }

    @Override
    public ByteBuf encodeResponse(HubResponse response, ByteBufAllocator alloc) {
        return GeminiResponses.encode(response, alloc);
    }

    @Override
    public ByteBuf encodeError(HubError error, ByteBufAllocator alloc) {
        return GeminiErrors.encode(error, alloc);
    }

    @Override
    public ByteBuf writeRequest(HubRequest request, ByteBufAllocator alloc) {
        return GeminiRequestWriter.write(request, alloc);
    }

    @Override
    public String path(String model, boolean stream) {
        return "/models/" + model + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    }

    @Override
    public StreamDecoder streamDecoder(HubListener listener) {
        return new GeminiStreamDecoder(listener);
    }

    @Override
    public void decodeResponse(ByteBuf body, HubListener listener) {
        GeminiResponses.decode(body, listener);
    }

    @Override
    public HubError decodeError(int status, ByteBuf body) {
        return GeminiErrors.decode(status, body);
    }
}
