package io.sluice.proxy.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.codec.json.RequestOutline;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.logs.RequestLogger;
import io.sluice.proxy.metrics.SluiceMetrics;

/**
 * A request whose body is a JSON request, scanned as it arrives ({@link ChatRequestScanner}: model, stream, usage
 * flags, offsets) and kept for the request log: a body that is no JSON object is answered 400 {@code invalid_json}
 * here, the rest by the subclass. The scanner is released on every path.
 */
abstract class ScannedRequest extends RouteHandler {

    /** The request log's capture of this request, or null when the logger is off. */
    final RequestLogger.Capture capture;
    private ChatRequestScanner scanner;

    ScannedRequest(InboundRequest request, RouteFamily route, SluiceMetrics metrics, RequestLogger.Capture capture) {
        this(request, route, metrics, capture, null);
    }

    /** @param outline what the scan also records for a request rewrite, or null */
    ScannedRequest(InboundRequest request, RouteFamily route, SluiceMetrics metrics, RequestLogger.Capture capture,
                   RequestOutline outline) {
        super(request, route, metrics);
        this.capture = capture;
        this.scanner = new ChatRequestScanner(outline);
    }

    @Override
    public final boolean readsBody() {
        return true;
    }

    @Override
    public final void onChunk(ByteBuf chunk) {
        scanner.feed(chunk);
    }

    @Override
    public final void respond(CompositeByteBuf body, ResponseSink sink) {
        ChatRequestScanner scan = scanner;
        scanner = null;
        try {
            if (capture != null) {
                capture.clientRequest(body);
            }
            if (scan.end() != ChatRequestScanner.Result.OK) {
                body.release();
                sink.fail(HttpResponseStatus.BAD_REQUEST, scan.error(), "invalid_json");
                return;
            }
            respond(body, scan, sink);
        } finally {
            scan.release();
        }
    }

    /** Answers a body (owned) that is a JSON object, with what the scan found in it. */
    abstract void respond(CompositeByteBuf body, ChatRequestScanner scan, ResponseSink sink);

    /** The scanner of a body that never arrived whole. */
    final void releaseScanner() {
        if (scanner != null) {
            scanner.release();
            scanner = null;
        }
    }

    @Override
    public void abort() {
        releaseScanner();
    }
}
