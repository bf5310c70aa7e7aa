package io.sluice.codec.dialect.openai;

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
 * OpenAI Chat Completions ({@code POST /chat/completions}), the dialect of OpenAI and of most OpenAI-compatible servers
 * (DeepSeek, OpenRouter, Groq, vLLM, Ollama, …). Stateless; each part of the work lives in its own class.
 */
public final class OpenAiDialect implements Dialect {

    public static final OpenAiDialect INSTANCE = new OpenAiDialect();

    private OpenAiDialect() {
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public HubRequest readRequest(ByteBuf body) throws RequestException {
        return OpenAiRequestReader.read(body);
    }

    @Override
    public StreamEncoder streamEncoder(ByteBufAllocator alloc, HubRequest request) {
        return new OpenAiStreamEncoder(alloc, request != null && request.includeUsage);
    }

    @Override
    public ByteBuf encodeResponse(HubResponse response, ByteBufAllocator alloc) {
        return OpenAiResponseEncoder.encode(response, alloc);
    }

    @Override
    public ByteBuf encodeError(HubError error, ByteBufAllocator alloc) {
        return OpenAiErrorCodec.encode(error, alloc);
    }

    @Override
    public ByteBuf writeRequest(HubRequest request, ByteBufAllocator alloc) {
        return OpenAiRequestWriter.write(request, alloc);
    }

    /** Relative to an API root such as {@code https://api.openai.com/v1}; the model travels in the body. */
    @Override
    public String path(String model, boolean stream) {
        return "/chat/completions";
    }

    @Override
    public StreamDecoder streamDecoder(HubListener listener) {
        return new OpenAiStreamDecoder(listener);
    }

    @Override
    public void decodeResponse(ByteBuf body, HubListener listener) {
        OpenAiResponseDecoder.decode(body, listener);
    }

    @Override
    public HubError decodeError(int status, ByteBuf body) {
        return OpenAiErrorCodec.decode(status, body);
    }
}
