package io.sluice.proxy.e2e;

/**
 * Why some end-to-end tests are disabled: main-code bugs they found, one constant per bug. Fix the bug, delete the
 * constant, and the compiler points at the tests to re-enable.
 */
final class KnownBugs {

    static final String FULL_RESPONSE_THEN_END = "bug: ClientHandler.end() writes LastHttpContent after the "
            + "FullHttpResponse given to head(); the encoder throws and the connection closes with nothing flushed";

    static final String MALFORMED_JSON_NPE = "bug: ClientHandler.onBodyComplete reads scanner.error() after "
            + "releaseBody() nulled scanner: NPE, connection closed without a 400";

    static final String MID_STREAM_ERROR_LEAK = "bug: UpstreamRelay.onFailure never releases the ByteBuf of "
            + "OpenAiErrors.body() it turns into the SSE error event (LEAK)";

    static final String IDLE_TIMEOUT_NOT_ARMED = "bug: UpstreamHandler keeps the firstByteTimeout timer after "
            + "the head arrives, so idleTimeout only counts from then on; also hits MID_STREAM_ERROR_LEAK";

    static final String PIPELINE_REPLAY_LOOP = "bug: ClientHandler.replayPipelined re-enters channelRead, which "
            + "queues the held message again while the queue is non-empty: the event loop spins forever";

    static final String HEADER_TOO_LARGE_TYPE = "bug: OpenAiErrors.typeFor(431) falls through to api_error";

    private KnownBugs() {
    }
}
