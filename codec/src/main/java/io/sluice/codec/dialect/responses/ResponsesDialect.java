package io.sluice.codec.dialect.responses;

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
 * OpenAI's Responses API ({@code POST /v1/responses}). The codec is stateless: a request reaching it carries its whole
 * input (the proxy's response store expands {@code previous_response_id} and item references first; what remains,
 * {@code conversation} included, is refused) and translated requests are sent with {@code store: false}. The work
 * is split by job: {@link ResponsesRequestReader}, {@link ResponsesRequestWriter}, {@link ResponsesStreamDecoder},
 * {@link ResponsesStreamEncoder}, {@link ResponsesResponseDecoder}, {@link ResponsesResponseEncoder},
 * {@link ResponsesErrors}.
 */
public final class ResponsesDialect implements Dialect {

    public static final ResponsesDialect INSTANCE = new ResponsesDialect();

    private ResponsesDialect() {
    }

    @Override
    public String name() {
        return "responses";
    }

    @Override
    public HubRequest readRequest(ByteBuf body) throws RequestException {
        return ResponsesRequestReader.read(body);
    }

    @Override
    public StreamEncoder streamEncoder(ByteBufAllocator alloc, HubRequest request) {
        return new ResponsesStreamEncoder(alloc, request);
    }

    @Override
    public ByteBuf encodeResponse(HubResponse response, ByteBufAllocator alloc) {
        return ResponsesResponseEncoder.encode(response, alloc);
    }

    @Override
    public ByteBuf encodeError(HubError error, ByteBufAllocator alloc) {
        return ResponsesErrors.encode(error, alloc);
    }

    @Override
    public ByteBuf writeRequest(HubRequest request, ByteBufAllocator alloc) {
        return ResponsesRequestWriter.write(request, alloc);
    }

    /** Relative to {@code https://api.openai.com/v1}; streaming is a body flag, not a path. */
    @Override
    public String path(String model, boolean stream) {
        return "/responses";
    }

    @Override
    public StreamDecoder streamDecoder(HubListener listener) {
        return new ResponsesStreamDecoder(listener);
    }

    @Override
    public void decodeResponse(ByteBuf body, HubListener listener) {
        ResponsesResponseDecoder.decode(body, listener);
    }

    @Override
    public HubError decodeError(int status, ByteBuf body) {
        return ResponsesErrors.decode(status, body);
    }
}
