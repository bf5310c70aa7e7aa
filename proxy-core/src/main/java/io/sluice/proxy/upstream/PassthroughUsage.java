package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.ByteProcessor;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.json.Usage;
import io.sluice.codec.json.UsageScanner;
import io.sluice.codec.sse.SseFramer;
import io.sluice.codec.sse.SseListener;
import io.sluice.providers.Operation;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.ops.RequestTrace;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the usage of a passthrough answer from the bytes on their way to the client: OpenAI's with
 * {@link UsageScanner} (SSE events framed as zero-copy slices, noticing {@code [DONE]}), another dialect's with its own
 * decoder ({@link UsageTap}). Image generation is not scanned: megabytes of base64 that jackson would copy into char
 * buffers, and a usage object the scanner does not read.
 *
 * <p>An event stream is cut at its event boundaries so that two kinds of event can be changed on the way: an error
 * event gets the provider's keys masked (providers quote the key they were sent), and the usage-only last chunk of an
 * OpenAI chat stream is dropped when the client did not ask for it (Sluice asked, for accounting). Everything else
 * goes as retained slices of the upstream buffers; a buffer holding whole events only, none of them changed (the
 * usual case: providers flush event by event), goes itself. A partial event waits, as retained slices, for its end.
 */
final class PassthroughUsage implements SseListener {

    static final int MAX_SSE_EVENT_BYTES = 8 * 1024 * 1024;

    private enum Verdict { FORWARD, DROP, ERROR }

    private final boolean sse;
    private final boolean scan;
    private final boolean openAi;
    private final boolean dropUsageChunk;
    private final List<String> secrets;
    private final RequestTrace trace;
    private final UsageTap tap;
    private final SseFramer framer;
    private final UsageScanner scanner = new UsageScanner();
    private boolean doneSeen;
    private Verdict verdict = Verdict.FORWARD;
    /** The start of an event whose end is in a later buffer, as retained slices; null when none. */
    private CompositeByteBuf pending;
    private boolean atLineStart = true;
    private boolean afterCr;

    PassthroughUsage(Dialect dialect, boolean sse, UpstreamRequest request) {
        Operation operation = request.operation();
        this.sse = sse;
        this.openAi = dialect == Dialects.OPENAI;
        this.tap = !openAi ? new UsageTap(dialect, sse) : null;
        this.framer = sse ? new SseFramer(MAX_SSE_EVENT_BYTES) : null;
        this.scan = tap != null || sse || operation != Operation.IMAGES;
        this.dropUsageChunk = openAi && operation == Operation.CHAT && request.stream() && !request.includeUsage();
        this.secrets = request.provider().apiKeys();
        this.trace = request.trace();
    }

    /**
     * Looks at the next upstream body bytes and gives what the client gets of them.
     *
     * @param buf  not owned, indexes untouched
     * @param last whether it ends the body: whatever is held goes with it
     * @return the bytes to send, owned by the caller (retained slices of {@code buf} and earlier buffers, or
     *         {@code buf} retained), or null when there are none (yet)
     */
    ByteBuf forward(ByteBuf buf, boolean last) {
        if (framer == null) {
            feed(buf);
            return buf.isReadable() ? buf.retain() : null;
        }
        if (tap != null && buf.isReadable()) {
            tap.feed(buf);
        }
        final int r = buf.readerIndex();
        final int w = buf.writerIndex();
        CompositeByteBuf out = null;
        int run = r; // start of the bytes of buf that go as they are, after what out holds
        int event = r; // start of the current event in buf (pending holds its earlier bytes)
        int i = r;
        while (i < w) {
            if (afterCr) {
                afterCr = false;
                if (buf.getByte(i) == '\n') { // the LF of a CRLF cut by the buffer boundary
                    i++;
                    continue;
                }
            }
            int eol = buf.forEachByte(i, w - i, ByteProcessor.FIND_CRLF);
            if (eol < 0) {
                atLineStart = false;
                break;
            }
            boolean blank = atLineStart && eol == i;
            atLineStart = true;
            i = eol + 1;
            if (buf.getByte(eol) == '\r') {
                if (i == w) {
                    afterCr = true;
                } else if (buf.getByte(i) == '\n') {
                    i++;
                }
            }
            if (!blank) {
                continue;
            }
            // An event ends at i.
            Verdict v = judge(buf, event, i);
            CompositeByteBuf head = pending;
            pending = null;
            if (v == Verdict.FORWARD) {
                if (head != null) {
                    out = head; // the first event of buf: nothing precedes it
                }
            } else {
                out = add(out, buf, run, event);
                ByteBuf raw = head == null ? buf.retainedSlice(event, i - event)
                        : head.addComponent(true, buf.retainedSlice(event, i - event));
                if (v == Verdict.DROP) {
                    raw.release();
                } else {
                    out = add(out, mask(raw));
                }
                run = i;
            }
            event = i;
        }
        if (event < w) {
            framer.feed(buf.slice(event, w - event), this); // no blank line in it: no event ends here
        }
        if (last) {
            if (pending != null) {
                out = pending; // an event cut by the end of the body: nothing in buf ended, run == r
                pending = null;
            }
            return out == null && run == r ? (w > r ? buf.retain() : null) : add(out, buf, run, w);
        }
        if (event < w) {
            if (pending == null) {
                pending = buf.alloc().compositeBuffer();
            }
            pending.addComponent(true, buf.retainedSlice(event, w - event));
        }
        if (out == null && run == r && event == w) {
            return w > r ? buf.retain() : null;
        }
        return add(out, buf, run, event);
    }

    /** Frames {@code buf[from, to)}, one whole event (after what {@link #pending} holds), and says what to do. */
    private Verdict judge(ByteBuf buf, int from, int to) {
        verdict = Verdict.FORWARD;
        framer.feed(buf.slice(from, to - from), this);
        return verdict;
    }

    /** An error event with the provider's keys masked; {@code raw} is consumed. */
    private ByteBuf mask(ByteBuf raw) {
        String text = raw.toString(StandardCharsets.UTF_8);
        String masked = Secrets.maskAll(text, secrets);
        if (masked.equals(text)) {
            return raw;
        }
        ByteBuf out = raw.alloc().buffer(masked.length() + 16);
        out.writeCharSequence(masked, StandardCharsets.UTF_8);
        raw.release();
        return out;
    }

    private static CompositeByteBuf add(CompositeByteBuf out, ByteBuf buf, int from, int to) {
        return to > from ? add(out, buf.retainedSlice(from, to - from)) : out;
    }

    private static CompositeByteBuf add(CompositeByteBuf out, ByteBuf part) {
        CompositeByteBuf o = out != null ? out : part.alloc().compositeBuffer();
        return o.addComponent(true, part);
    }

    /** Looks at {@code buf}'s readable bytes of a body that is not an event stream; not owned, indexes untouched. */
    private void feed(ByteBuf buf) {
        if (!scan || !buf.isReadable()) {
            return;
        }
        if (tap != null) {
            tap.feed(buf);
        } else {
            scanner.scanJson(buf);
        }
    }

    @Override
    public void onEvent(String event, ByteBuf data) {
        try {
            if ("error".equals(event) || UsageScanner.errorIn(data)) {
                verdict = Verdict.ERROR;
                if (trace != null) {
                    trace.broken(); // a 200 that carries an error is not an answer to serve again
                }
            } else if (!openAi) {
                return; // the tap reads usage
            } else if (UsageScanner.isDone(data)) {
                doneSeen = true;
            } else if (scanner.scanSseData(data) != null) {
                if (dropUsageChunk && UsageScanner.emptyChoices(data)) {
                    verdict = Verdict.DROP;
                }
            } else if (trace != null) {
                trace.content(UsageScanner.contentBytes(data));
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
        if (!openAi || framer == null || doneSeen) {
            return null;
        }
        return truncated ? "without [DONE] (partial event discarded)" : "without [DONE]";
    }

    /** Records the usage seen, if any, in the request's trace, and returns it; releases everything held. */
    Usage finish() {
        if (framer != null) {
            framer.release();
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        Usage u = tap != null ? tap.finish() : scanner.usage();
        if (u != null && trace != null) {
            trace.usage(u.promptTokens(), u.completionTokens(), u.cachedTokens(), u.reasoningTokens());
        }
        return u;
    }

    boolean sse() {
        return sse;
    }
}
