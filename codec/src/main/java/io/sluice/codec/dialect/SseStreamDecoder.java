package io.sluice.codec.dialect;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
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
    /** Copy of the current event's data; grows to the largest event seen. */
    private byte[] scratch = new byte[512];
    private JsonParser stream;
    private ByteArrayFeeder feeder;
    private JsonParser view;

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
            closeParser();
            listener.onEnd();
        }
    }

    /** The stream failed: {@code onError}, once; nothing else reaches the listener afterwards. */
    protected final void fail(HubError error) {
        if (!finished) {
            finished = true;
            framer.release();
            closeParser();
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
        closeParser();
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
            JsonParser p;
            try {
                p = parser(data);
            } catch (IOException | RuntimeException e) {
                fail(invalid(e));
                return;
            }
            try {
                onJson(event, p);
                drainEvent();
            } catch (IOException | RuntimeException e) {
                closeParser(); // its state is unknown now; a later event (if any) gets a fresh one
                fail(invalid(e));
            }
        } finally {
            data.release();
        }
    }

    @Override
    public final void onError(String message) {
        fail(new HubError(502, HubError.API_ERROR, "upstream stream: " + message));
    }

    private static HubError invalid(Exception e) {
        return new HubError(502, HubError.API_ERROR, "upstream sent an event that is not valid JSON: "
                + e.getClass().getSimpleName());
    }

    /**
     * The stream's one parser, fed this event's data. A blocking parser per event costs about 1 KB (parser, I/O
     * context, a child symbol table); jackson's non-blocking parser reads root value after root value, so one per
     * stream serves every event: the data is copied into the stream's scratch array (with a newline separating root
     * values) and fed whole, and the dialect sees a view on which "no more input" reads as the end.
     */
    private JsonParser parser(ByteBuf data) throws IOException {
        int n = data.readableBytes();
        if (scratch.length < n + 1) {
            scratch = new byte[Math.max(n + 1, scratch.length * 2)];
        }
        data.getBytes(data.readerIndex(), scratch, 0, n);
        scratch[n] = '\n';
        if (stream == null) {
            stream = JsonIo.FACTORY.createNonBlockingByteArrayParser();
            feeder = (ByteArrayFeeder) stream.getNonBlockingInputFeeder();
            view = new EventView(stream);
        }
        feeder.feedInput(scratch, 0, n + 1);
        return view;
    }

    /** Reads whatever the dialect left of this event, so the next one starts at a root value. */
    private void drainEvent() throws IOException {
        if (stream != null) {
            JsonToken t;
            while ((t = stream.nextToken()) != JsonToken.NOT_AVAILABLE) {
                if (t == null) {
                    throw new IOException("unexpected end of event data");
                }
            }
            if (!stream.getParsingContext().inRoot()) {
                // The event's JSON stopped mid-value: the next event must not be read as its continuation.
                throw new IOException("event data ends inside a JSON value");
            }
        }
    }

    private void closeParser() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // nothing held but recycled buffers
            }
            stream = null;
            feeder = null;
            view = null;
        }
    }

    /** The parser as a dialect sees it: the end of the fed event reads as the end of input. */
    private static final class EventView extends JsonParserDelegate {
        EventView(JsonParser d) {
            super(d);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            return endOfEvent(delegate.nextToken());
        }

        @Override
        public JsonToken nextValue() throws IOException {
            return endOfEvent(delegate.nextValue());
        }

        /** As a blocking parser over the event alone would: null at the end, an error if that is inside a value. */
        private JsonToken endOfEvent(JsonToken t) throws IOException {
            if (t != JsonToken.NOT_AVAILABLE) {
                return t;
            }
            if (!delegate.getParsingContext().inRoot()) {
                throw new JsonEOFException(delegate, null, "event data ends inside a JSON value");
            }
            return null;
        }

        @Override
        public void close() {
            // one parser serves the whole stream; SseStreamDecoder closes it
        }
    }

    private static boolean isDone(ByteBuf data) {
        int i = data.readerIndex();
        return data.getByte(i + 1) == 'D' && data.getByte(i + 2) == 'O' && data.getByte(i + 3) == 'N'
                && data.getByte(i + 4) == 'E' && data.getByte(i + 5) == ']';
    }
}
