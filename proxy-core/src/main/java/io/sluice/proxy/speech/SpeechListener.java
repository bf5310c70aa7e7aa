package io.sluice.proxy.speech;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * A client waiting for audio. Every call comes on {@link #loop()}, in order: {@link #begin} then {@link #data}
 * chunks (owned by the listener: write or release them) then {@link #end}; or {@link #fail} or
 * {@link #unsatisfiable} at any point before the end.
 */
public interface SpeechListener {

    /** How the answer starts. */
    record Head(int status, String contentType, long total, long from, long to, String cache) {
        /** The answer is the whole file: 200. */
        static Head whole(String contentType, long total, String cache) {
            return new Head(200, contentType, total, 0, total - 1, cache);
        }
    }

    /** The client's event loop. */
    EventLoop loop();

    void begin(Head head);

    void data(ByteBuf chunk);

    void end();

    /** The audio could not be made; {@code code} is a machine-readable reason. */
    void fail(int status, String message, String code);

    /** The range asked for is outside the {@code total} bytes of the audio: 416. */
    void unsatisfiable(long total);
}
