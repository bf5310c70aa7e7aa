package io.sluice.codec.dialect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.HubResponse;

/**
 * One wire format, both as the client's language (read requests, encode responses and errors) and as a provider's
 * (write requests, decode responses and errors). Implementations are stateless singletons; per-stream state lives in
 * the {@link StreamDecoder} and {@link StreamEncoder} they create.
 */
public interface Dialect {

    /**
     * Short lowercase name used in config and logs: {@code openai}, {@code anthropic}, {@code gemini},
     * {@code responses}.
     */
    String name();

    // ---- client side ----

    /**
     * Parses a client request body. Dialects that carry the model or the stream flag in the URL (Gemini) leave
     * {@link HubRequest#model} null / {@link HubRequest#stream} false for the caller to set from the path.
     *
     * @throws RequestException when the body is not a valid request of this dialect; the message says what is wrong
     */
    HubRequest readRequest(ByteBuf body) throws RequestException;

    /** A stream encoder for one client stream. {@code request} is the client's own (for include_usage, model echo). */
    StreamEncoder streamEncoder(ByteBufAllocator alloc, HubRequest request);

    /** A whole non-streaming response body in this dialect. */
    ByteBuf encodeResponse(HubResponse response, ByteBufAllocator alloc);

    /** An error body in this dialect (its HTTP status is {@link HubError#status()}). */
    ByteBuf encodeError(HubError error, ByteBufAllocator alloc);

    // ---- provider side ----

    /** The request body for a provider speaking this dialect; {@link HubRequest#model} is the upstream model id. */
    ByteBuf writeRequest(HubRequest request, ByteBufAllocator alloc);

    /**
     * The request path (and query) relative to the provider's API root, e.g. {@code /chat/completions} or
     * {@code /models/gemini-2.0-flash:streamGenerateContent?alt=sse}. The model is URL-safe by the router's rules.
     */
    String path(String model, boolean stream);

    /** A stream decoder for one upstream stream, calling {@code listener}. */
    StreamDecoder streamDecoder(HubListener listener);

    /**
     * Decodes a whole non-streaming 2xx response body into hub events, {@code onStart} to {@code onEnd}; a body that is
     * not a response of this dialect (including a 200 carrying an error object) ends in {@code onError} instead.
     */
    void decodeResponse(ByteBuf body, HubListener listener);

    /** Reads a provider error body of this dialect; any body (HTML, empty) gives a usable error for {@code status}. */
    HubError decodeError(int status, ByteBuf body);
}
