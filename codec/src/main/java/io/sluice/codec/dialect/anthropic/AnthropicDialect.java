package io.sluice.codec.dialect.anthropic;

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
 * Anthropic's Messages API ({@code POST /v1/messages}): what Claude Code speaks. See the package's classes for each
 * direction: {@link AnthropicRequestReader}, {@link AnthropicRequestWriter}, {@link AnthropicStreamDecoder},
 * {@link AnthropicStreamEncoder}, {@link AnthropicResponseDecoder}, {@link AnthropicResponseEncoder},
 * {@link AnthropicErrors}.
 */
public final class AnthropicDialect implements Dialect {

    public static final AnthropicDialect INSTANCE = new AnthropicDialect();

    private AnthropicDialect() {
    }

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public HubRequest readRequest(ByteBuf body) throws RequestException {
        return AnthropicRequestReader.read(body);
    }

    /** A {@code /v1/messages/count_tokens} body: a Messages request without {@code max_tokens}. */
    public HubRequest readCountTokensRequest(ByteBuf body) throws RequestException {
        return AnthropicRequestReader.read(body, false);
    }

    @Override
    public StreamEncoder streamEncoder(ByteBufAllocator alloc, HubRequest request) {
        return new AnthropicStreamEncoder(alloc, request == null ? null : request.model, request);
    }

    @Override
    public ByteBuf encodeResponse(HubResponse response, ByteBufAllocator alloc) {
        return AnthropicResponseEncoder.encode(response, alloc);
    }

    @Override
    public ByteBuf encodeError(HubError error, ByteBufAllocator alloc) {
        return AnthropicErrors.encode(error, alloc);
    }

    @Override
    public ByteBuf writeRequest(HubRequest request, ByteBufAllocator alloc) {
        return AnthropicRequestWriter.write(request, alloc);
    }

    /** Relative to an API root such as {@code https://api.anthropic.com/v1}; model and stream travel in the body. */
    @Override
    public String path(String model, boolean stream) {
        return "/messages";
    }

    @Override
    public StreamDecoder streamDecoder(HubListener listener) {
        return new AnthropicStreamDecoder(listener);
    }

    @Override
    public void decodeResponse(ByteBuf body, HubListener listener) {
        AnthropicResponseDecoder.decode(body, listener);
    }

    @Override
    public HubError decodeError(int status, ByteBuf body) {
        return AnthropicErrors.decode(status, body);
    }
}
