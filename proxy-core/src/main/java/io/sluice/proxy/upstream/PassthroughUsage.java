package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.json.Usage;
import io.sluice.codec.json.UsageScanner;
import io.sluice.codec.sse.SseFramer;
import io.sluice.codec.sse.SseListener;
import io.sluice.providers.Operation;

/**
 * Reads the usage of a passthrough answer from the bytes on their way to the client, which stay untouched: OpenAI's
 * with {@link UsageScanner} (SSE events framed as zero-copy slices, noticing {@code [DONE]}), another dialect's with
 * its own decoder ({@link UsageTap}). Image generation is not scanned: megabytes of base64 that jackson would copy
 * into char buffers, and a usage object the scanner does not read.
 */
final class PassthroughUsage implements SseListener {

    static final int MAX_SSE_EVENT_BYTES = 8 * 1024 * 1024;

    private final boolean sse;
    private final boolean scan;
    private final UsageTap tap;
    private final SseFramer framer;
    private final UsageScanner scanner = new UsageScanner();
    private boolean doneSeen;

    PassthroughUsage(Dialect dialect, boolean sse, Operation operation) {
        this.sse = sse;
        this.tap = dialect != Dialects.OPENAI ? new UsageTap(dialect, sse) : null;
        this.framer = tap == null && sse ? new SseFramer(MAX_SSE_EVENT_BYTES) : null;
        this.scan = tap != null || sse || operation != Operation.IMAGES;
    }

    /** Looks at {@code buf}'s readable bytes; not owned, indexes untouched. */
    void feed(ByteBuf buf) {
        if (!scan || !buf.isReadable()) {
            return;
        }
        if (tap != null) {
            tap.feed(buf);
        } else if (framer != null) {
            framer.feed(buf, this);
        } else {
            scanner.scanJson(buf);
        }
    }

    @Override
    public void onEvent(String event, ByteBuf data) {
        try {
            if (UsageScanner.isDone(data)) {
                doneSeen = true;
            } else {
                scanner.scanSseData(data);
            }
        } finally {
            data.release();
        }
    }

    /**
     * The body ended: whether an OpenAI stream lacked its {@code [DONE]}, and whether a partial event was cut off
     * (for the log); null when the stream was whole.
     */
    String streamEndProblem() {
        boolean truncated = framer != null && framer.end();
        if (framer == null || doneSeen) {
            return null;
        }
        return truncated ? "without [DONE] (partial event discarded)" : "without [DONE]";
    }

    /** The usage seen, or null; releases everything held. */
    Usage finish() {
        if (framer != null) {
            framer.release();
        }
        return tap != null ? tap.finish() : scanner.usage();
    }

    boolean sse() {
        return sse;
    }
}
