package io.sluice.codec.dialect;

import com.fasterxml.jackson.core.JsonParser;
import io.netty.buffer.ByteBuf;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.sse.SseFramer;
import io.sluice.codec.sse.SseListener;
import java.io.IOException;

/**
 * The common half of every SSE stream decoder: framing, ownership of each event's data, the terminal/error bookkeeping
 * of the {@link HubListener} order contract. A dialect implements {@link #onJson} for one event at a time.
 */
public abstract class SseStreamDecoder implements StreamDecoder, SseListener {

    /** The largest SSE event an upstream may send (a Gemini event can carry a whole long answer). */
    public static final int MAX_EVENT_BYTES = 4 << 20;

    protected final HubListener listener;
    private final SseFramer framer = new SseFramer(MAX_EVENT_BYTES);
    private boolean started;
    private boolean finished;

    protected SseStreamDecoder(HubListener listener) {
        this.listener = listener;
    }

    /**
     * One SSE event whose data is JSON (the data {@code [DONE]} reaches {@link #onDone()} instead).
     *
     * @param event the {@code event:} name or null
     * @param json  a parser over the data, not yet advanced; closed by the caller
     */
    protected abstract void onJson(String event, JsonParser json) throws IOException;

    /** OpenAI's {@code data: [DONE]}. Dialects without it treat it as an error by default. */
    protected void onDone() {
        fail(new HubError(502, HubError.API_ERROR, "unexpected [DONE] in this stream"));
    }

    /**
     * The upstream body ended without {@link #finish()} or {@link #fail}. Gemini has no terminal event and overrides
     * this to end cleanly when a finish reason was seen.
     */
    protected void onBodyEnd() {
        fail(HubError.truncated());
    }

    /** Calls {@code onStart} once; dialects call it when their first event names id and model. */
    protected final void start(String id, String model, long created) {
        if (!started) {
            started = true;
            listener.onStart(id, model, created);
        }
    }

    protected final boolean started() {
        return started;
    }

    /** The terminal event arrived: {@code onEnd}, once. */
    protected final void finish() {
        if (!finished) {
            finished = true;
            framer.release();
            listener.onEnd();
        }
    }

    /** The stream failed: {@code onError}, once; nothing else reaches the listener afterwards. */
    protected final void fail(HubError error) {
        if (!finished) {
            finished = true;
            framer.release();
            listener.onError(error);
        }
    }

    @Override
    public final boolean finished() {
        return finished;
    }

    @Override
    public final void feed(ByteBuf chunk) {
        if (!finished) {
            framer.feed(chunk, this);
        }
    }

    @Override
    public final void end() {
        if (finished) {
            return;
        }
        framer.end();
        if (!finished) {
            onBodyEnd();
        }
    }

    @Override
    public final void release() {
        finished = true;
        framer.release();
    }

    @Override
    public final void onEvent(String event, ByteBuf data) {
        try {
            if (finished) {
                return;
            }
            if (data.readableBytes() == 6 && data.getByte(data.readerIndex()) == '[' && isDone(data)) {
                onDone();
                return;
            }
            try (JsonParser p = JsonIo.parser(data)) {
                onJson(event, p);
            } catch (IOException | RuntimeException e) {
                fail(new HubError(502, HubError.API_ERROR, "upstream sent an event that is not valid JSON: "
                        + e.getClass().getSimpleName()));
            }
        } finally {
            data.release();
        }
    }

    @Override
    public final void onError(String message) {
        fail(new HubError(502, HubError.API_ERROR, "upstream stream: " + message));
    }

    private static boolean isDone(ByteBuf data) {
        int i = data.readerIndex();
        return data.getByte(i + 1) == 'D' && data.getByte(i + 2) == 'O' && data.getByte(i + 3) == 'N'
                && data.getByte(i + 4) == 'E' && data.getByte(i + 5) == ']';
    }
}
