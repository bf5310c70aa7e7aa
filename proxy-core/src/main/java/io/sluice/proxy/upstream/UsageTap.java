package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.hub.HubListenerAdapter;
import io.sluice.codec.json.Usage;

/**
 * Reads usage from a passthrough response in a dialect other than OpenAI's (OpenAI has the faster
 * {@link io.sluice.codec.json.UsageScanner}): the bytes go to the client untouched, a copy of the view goes through
 * the dialect's own decoder, which keeps only the usage. Non-streaming bodies are kept (bounded) and decoded at the
 * end.
 */
final class UsageTap extends HubListenerAdapter {

    private static final int MAX_JSON_BYTES = 4 << 20;

    private final Dialect dialect;
    private final StreamDecoder decoder;
    private CompositeByteBuf json;
    private Usage usage;

    UsageTap(Dialect dialect, boolean sse) {
        this.dialect = dialect;
        this.decoder = sse ? dialect.streamDecoder(this) : null;
    }

    /** Looks at {@code buf}'s readable bytes; not owned, indexes untouched. */
    void feed(ByteBuf buf) {
        if (decoder != null) {
            decoder.feed(buf);
        } else {
            if (json == null) {
                json = buf.alloc().compositeBuffer();
            }
            if (json.readableBytes() + buf.readableBytes() <= MAX_JSON_BYTES) {
                json.addComponent(true, buf.retainedSlice());
            }
        }
    }

    /** The usage seen, or null; releases everything held. */
    Usage finish() {
        if (decoder != null) {
            decoder.release();
        } else if (json != null) {
            dialect.decodeResponse(json, this);
            json.release();
            json = null;
        } else {
            dialect.decodeResponse(Unpooled.EMPTY_BUFFER, this);
        }
        return usage;
    }

    @Override
    public void onUsage(Usage usage) {
        this.usage = usage;
    }
}
