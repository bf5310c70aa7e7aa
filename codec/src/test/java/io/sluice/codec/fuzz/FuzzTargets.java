package io.sluice.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListenerAdapter;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.codec.json.JsonFeeder;
import io.sluice.codec.json.ModelSplice;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.rewrite.BodyRewriter;
import io.sluice.codec.rewrite.PromptMode;
import io.sluice.codec.rewrite.Rewrite;
import io.sluice.codec.rewrite.RewritePlan;
import io.sluice.codec.sse.SseFramer;
import java.util.List;

/**
 * What every codec entry point must survive, whatever the bytes: no exception but the declared ones (a
 * {@link RequestException} for a bad request, a {@link WorkBudgetException} for one too costly to translate), no
 * buffer left unreleased (the suite's leak detector is PARANOID), bounded work. Shared by the Jazzer targets
 * ({@link CodecFuzzTest}, coverage-guided, long runs through {@code bin/bench fuzz}) and the suite's short seeded run
 * ({@link CodecMutationTest}).
 */
final class FuzzTargets {

    static final List<Dialect> DIALECTS = List.of(Dialects.OPENAI, Dialects.ANTHROPIC, Dialects.GEMINI,
            Dialects.RESPONSES);

    /** Decoders report problems through the listener; nothing else may happen. */
    private static final class Sink extends HubListenerAdapter {
        int errors;

        @Override
        public void onError(HubError error) {
            errors++;
        }
    }

    private FuzzTargets() {
    }

    /** {@code input} cut into chunks of {@code chunk} bytes (at least 1), each a fresh buffer the caller owns. */
    private static ByteBuf[] chunks(byte[] input, int chunk) {
        int size = Math.max(1, Math.min(chunk, Math.max(1, input.length)));
        ByteBuf[] out = new ByteBuf[(int) (((long) input.length + size - 1) / size)];
        for (int i = 0; i < out.length; i++) {
            int from = i * size;
            out[i] = Unpooled.copiedBuffer(input, from, Math.min(size, input.length - from));
        }
        return out;
    }

    /** A client request in {@code client}'s dialect, read into the hub, then written for every provider dialect. */
    static void request(Dialect client, byte[] input) {
        ByteBuf body = Unpooled.wrappedBuffer(input);
        HubRequest hub;
        try {
            hub = client.readRequest(body);
        } catch (RequestException e) {
            return;
        } finally {
            body.release();
        }
        for (Dialect provider : DIALECTS) {
            String model = hub.model;
            hub.model = "fuzz-model";
            try {
                provider.writeRequest(hub, io.netty.buffer.ByteBufAllocator.DEFAULT).release();
            } catch (WorkBudgetException e) {
                // refused with a 400 naming the limit: allowed
            } finally {
                hub.model = model;
            }
        }
    }

    /** A provider's stream in {@code provider}'s dialect, fed in chunks, then ended. */
    static void stream(Dialect provider, byte[] input, int chunk) {
        Sink sink = new Sink();
        StreamDecoder decoder = provider.streamDecoder(sink);
        try {
            for (ByteBuf b : chunks(input, chunk)) {
                try {
                    decoder.feed(b);
                } finally {
                    b.release();
                }
            }
            decoder.end();
        } finally {
            decoder.release();
        }
    }

    /** A provider's whole response and error bodies in {@code provider}'s dialect. */
    static void response(Dialect provider, byte[] input, int status) {
        ByteBuf body = Unpooled.wrappedBuffer(input);
        try {
            provider.decodeResponse(body.duplicate(), new Sink());
            HubError e = provider.decodeError(status, body.duplicate());
            if (e == null || e.message() == null) {
                throw new AssertionError("decodeError gave no usable error");
            }
        } finally {
            body.release();
        }
    }

    /** SSE framing of arbitrary bytes; every framed event's data is released by the listener. */
    static void sse(byte[] input, int chunk) {
        SseFramer framer = new SseFramer(64 * 1024);
        try {
            for (ByteBuf b : chunks(input, chunk)) {
                try {
                    framer.feed(b, (event, data) -> data.release());
                } finally {
                    b.release();
                }
            }
            framer.end();
        } finally {
            framer.release();
        }
    }

    /** The incremental request scanner: a result, and offsets inside the body when it found a model. */
    static void scanner(byte[] input, int chunk) {
        ChatRequestScanner scanner = new ChatRequestScanner();
        try {
            for (ByteBuf b : chunks(input, chunk)) {
                try {
                    scanner.feed(b);
                } finally {
                    b.release();
                }
            }
            if (scanner.end() == ChatRequestScanner.Result.OK && scanner.modelStart() >= 0
                    && (scanner.modelEnd() > input.length || scanner.modelStart() >= scanner.modelEnd())) {
                throw new AssertionError("model offsets outside the body: " + scanner.modelStart() + ".."
                        + scanner.modelEnd() + " of " + input.length);
            }
        } finally {
            scanner.release();
        }
    }

    /** Every system prompt mode, each with a thinking change: what {@link #rewrite} tries on a body. */
    static final List<Rewrite> REWRITES = List.of(
            new Rewrite(new Rewrite.SystemPrompt(PromptMode.PREPEND, "G \"1\"\n"), Rewrite.Thinking.budget(4096, true)),
            new Rewrite(new Rewrite.SystemPrompt(PromptMode.APPEND, "G2"), Rewrite.Thinking.stripped()),
            new Rewrite(new Rewrite.SystemPrompt(PromptMode.REPLACE, "G3"), Rewrite.Thinking.budget(0, false)));

    /**
     * A request body outlined as it arrives in {@code chunk}-byte pieces, then rewritten for each of
     * {@link #REWRITES}: the edits must apply, and what they make must still be one JSON object.
     */
    static void rewrite(Dialect d, byte[] input, int chunk) {
        BodyRewriter rewriter = BodyRewriter.of(d);
        RequestOutline outline = rewriter.outline();
        ChatRequestScanner scanner = new ChatRequestScanner(outline);
        ByteBuf body = Unpooled.wrappedBuffer(input);
        try {
            for (ByteBuf b : chunks(input, chunk)) {
                try {
                    scanner.feed(b);
                } finally {
                    b.release();
                }
            }
            if (scanner.end() != ChatRequestScanner.Result.OK) {
                return;
            }
            rewriter.size(outline, input.length);
            for (Rewrite r : REWRITES) {
                RewritePlan plan;
                try {
                    plan = rewriter.plan(outline, body, r);
                } catch (RequestException | WorkBudgetException e) {
                    continue; // declared: a duplicated member, too many runs of system messages
                }
                ByteBuf out = ModelSplice.apply(io.netty.buffer.ByteBufAllocator.DEFAULT, body, plan.edits());
                ChatRequestScanner check = new ChatRequestScanner();
                try {
                    check.feed(out);
                    if (check.end() != ChatRequestScanner.Result.OK) {
                        throw new AssertionError(r + " made an invalid body (" + check.error() + "): "
                                + out.toString(java.nio.charset.StandardCharsets.UTF_8));
                    }
                } finally {
                    check.release();
                    out.release();
                }
            }
        } finally {
            scanner.release();
            body.release();
        }
    }

    /** The non-blocking JSON feeder: tokens until it needs more input, ends cleanly. */
    static void feeder(byte[] input, int chunk) {
        JsonFeeder feeder = new JsonFeeder();
        try {
            for (ByteBuf b : chunks(input, chunk)) {
                try {
                    feeder.feed(b);
                    drain(feeder);
                } finally {
                    b.release();
                }
                if (feeder.error() != null) {
                    return;
                }
            }
            feeder.endOfInput();
            drain(feeder);
        } finally {
            feeder.release();
        }
    }

    private static void drain(JsonFeeder feeder) {
        for (int i = 0; i < 1_000_000 && feeder.error() == null; i++) {
            com.fasterxml.jackson.core.JsonToken t = feeder.nextToken();
            if (t == null || t == com.fasterxml.jackson.core.JsonToken.NOT_AVAILABLE) {
                return;
            }
        }
    }
}
