package io.sluice.codec.dialect;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One reusable jackson generator writing straight into whichever {@link ByteBuf} is current: a stream encoder creates
 * one and writes event after event without a generator, stream or byte[] per event. Also frames SSE events around the
 * JSON ({@code event:} line, single {@code data:} line: generated JSON never contains a raw line break).
 *
 * <p>Not thread-safe; {@link #close()} returns jackson's buffers to its recycler.
 */
public final class JsonOut extends OutputStream {

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = {'\n', '\n'};

    private final JsonGenerator gen;
    private ByteBuf target;

    public JsonOut() {
        try {
            gen = JsonIo.FACTORY.createGenerator(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        gen.setRootValueSeparator(JsonIo.NO_SEPARATOR);
    }

    /** Starts writing a JSON value into {@code out}; finish with {@link #end()}. */
    public JsonGenerator begin(ByteBuf out) {
        this.target = out;
        return gen;
    }

    /** Flushes the value begun with {@link #begin} into its buffer. */
    public void end() {
        try {
            gen.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            target = null;
        }
    }

    /**
     * Starts an SSE event carrying one JSON value: writes {@code event: <name>\n} (unless {@code eventName} is null)
     * and {@code data: }. Finish with {@link #endEvent()}.
     *
     * @param eventName pre-encoded ASCII event name without line breaks, or null for an unnamed event
     */
    public JsonGenerator beginEvent(ByteBuf out, byte[] eventName) {
        if (eventName != null) {
            out.writeBytes(EVENT).writeBytes(eventName).writeByte('\n');
        }
        out.writeBytes(DATA);
        return begin(out);
    }

    /** Flushes the JSON of the event begun with {@link #beginEvent} and writes the blank line ending it. */
    public void endEvent() {
        ByteBuf out = target;
        end();
        out.writeBytes(END);
    }

    /** ASCII bytes of an SSE event name, for {@link #beginEvent}. */
    public static byte[] name(String event) {
        return event.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void write(int b) {
        target.writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        target.writeBytes(b, off, len);
    }

    @Override
    public void close() {
        target = null;
        try {
            gen.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
