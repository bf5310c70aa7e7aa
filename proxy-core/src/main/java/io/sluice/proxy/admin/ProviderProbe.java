package io.sluice.proxy.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListenerAdapter;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Role;
import io.sluice.codec.json.Usage;
import io.sluice.providers.Operation;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.exchange.AttemptFactory;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.Outcome;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.usage.UsageRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/monitoring/providers/{name}/test}: a live call to a provider with each of its keys (or the one
 * asked for), through the same relay real traffic takes (URL, auth, headers, Copilot exchange, TLS pool), but outside
 * the scheduler: a cooling key is tested too, which is the point when an operator wonders whether it works again.
 * The request is the smallest chat a provider takes ({@value #PROMPT}, {@value #MAX_TOKENS} tokens); its usage is
 * accounted under the client {@value #CLIENT} and each result is an entry of event {@code test} in the provider's log.
 */
public final class ProviderProbe implements MonitoringApi.Probe {

    static final String PROMPT = "Reply with the single word: pong";
    static final int MAX_TOKENS = 16;
    static final String CLIENT = "sluice-test";
    static final long TIMEOUT_SECONDS = 60;
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_SHOWN = 300;

    private final AttemptFactory attempts;
    private final Operations ops;

    public ProviderProbe(AttemptFactory attempts, Operations ops) {
        this.attempts = attempts;
        this.ops = ops;
    }

    @Override
    public CompletableFuture<List<MonitoringApi.ProbeResult>> test(ProviderConfig p, String model, int keyIndex,
                                                                    EventLoop loop) {
        List<Integer> keys = new ArrayList<>();
        if (keyIndex >= 0) {
            keys.add(keyIndex);
        } else if (p.apiKeys().isEmpty()) {
            keys.add(-1);
        } else {
            for (int i = 0; i < p.apiKeys().size(); i++) {
                keys.add(i);
            }
        }
        List<CompletableFuture<MonitoringApi.ProbeResult>> calls = new ArrayList<>();
        for (int k : keys) {
            CompletableFuture<MonitoringApi.ProbeResult> f = new CompletableFuture<>();
            loop.execute(() -> call(p, model, k, loop, f));
            calls.add(f);
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenApply(v -> calls.stream().map(CompletableFuture::join).toList());
    }

    /** One call with key {@code k} (-1: none), on {@code loop}. */
    private void call(ProviderConfig p, String model, int k, EventLoop loop,
                      CompletableFuture<MonitoringApi.ProbeResult> result) {
        Dialect dialect = Dialects.byName(p.dialect());
        HubRequest hub = new HubRequest();
        hub.model = model;
        hub.maxTokens = MAX_TOKENS;
        hub.messages.add(Message.text(Role.USER, PROMPT));
        p.descriptor().quirks().apply(hub);
        ByteBuf body;
        try {
            body = dialect.writeRequest(hub, ByteBufAllocator.DEFAULT);
        } catch (RuntimeException e) {
            result.complete(new MonitoringApi.ProbeResult(keyName(p, k), 0, 0, false, null,
                    "cannot write a test request for " + p.dialect() + ": " + e.getMessage()));
            return;
        }
        UpstreamRequest request = new UpstreamRequest(model, p, model, false, true, -1, -1, body, dialect, hub, null,
                null, Operation.CHAT, null);
        long start = System.nanoTime();
        Collector sink = new Collector(loop, (status, text) -> {
            long ms = (System.nanoTime() - start) / 1_000_000;
            result.complete(finish(p, model, k, dialect, status, text, ms));
        });
        // The key is the one asked for; an early failure is the answer, not the scheduler's business.
        Exchange ex = attempts.create(request, sink, k, o -> {
            if (o instanceof Outcome.FailedEarly f) {
                f.answer().writeTo(sink);
            }
        });
        sink.exchange = ex;
        loop.schedule(() -> sink.timeOut(), TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ex.start();
    }

    private MonitoringApi.ProbeResult finish(ProviderConfig p, String model, int k, Dialect dialect, int status,
                                             String text, long ms) {
        String key = keyName(p, k);
        String reply = null;
        String error = null;
        Usage usage = null;
        if (status >= 200 && status < 300) {
            Reader r = new Reader();
            ByteBuf buf = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
            try {
                dialect.decodeResponse(buf, r);
            } catch (RuntimeException e) {
                r.error = "unreadable answer: " + e.getMessage();
            } finally {
                buf.release();
            }
            usage = r.usage;
            reply = r.text.length() > MAX_SHOWN ? r.text.substring(0, MAX_SHOWN) + "..." : r.text.toString();
            error = r.error;
        } else {
            String masked = Secrets.maskAll(text, p.apiKeys()).strip();
            error = masked.length() > MAX_SHOWN ? masked.substring(0, MAX_SHOWN) + "..." : masked;
        }
        boolean ok = status >= 200 && status < 300 && error == null;
        ops.usage(new UsageRecord(ops.epochMillis(), p.name(), model, key, CLIENT, status,
                usage == null ? 0 : Math.max(0, usage.promptTokens()),
                usage == null ? 0 : Math.max(0, usage.completionTokens()),
                usage == null ? 0 : Math.max(0, usage.cachedTokens()),
                usage == null ? 0 : Math.max(0, usage.reasoningTokens()), false));
        ops.log(p.name(), ok ? LogLevel.INFO : LogLevel.ERROR, "test", "live test"
                + (key == null ? "" : " with key " + key) + ": " + (status == 0 ? "no answer" : "HTTP " + status)
                + " in " + ms + " ms" + (ok ? ", reply \"" + Text.printable(reply) + "\"" : ": " + error),
                model, status, ms, key);
        return new MonitoringApi.ProbeResult(key, status, ms, ok, reply, error);
    }

    private static String keyName(ProviderConfig p, int k) {
        return k < 0 ? null : p.keyNames().get(k);
    }

    /** The answer's text and usage, as the provider's dialect reads it. */
    private static final class Reader extends HubListenerAdapter {
        final StringBuilder text = new StringBuilder();
        Usage usage;
        String error;

        @Override
        public void onText(String delta) {
            if (text.length() < MAX_BODY) {
                text.append(delta);
            }
        }

        @Override
        public void onUsage(Usage u) {
            usage = u;
        }

        @Override
        public void onError(HubError e) {
            error = e.message();
        }
    }

    /** A sink that keeps the answer (bounded) and reports it once. */
    private static final class Collector implements ResponseSink {
        interface Done {
            void done(int status, String body);
        }

        private final EventLoop loop;
        private final Done done;
        private final CompositeByteBuf body = ByteBufAllocator.DEFAULT.compositeBuffer();
        private int status;
        private boolean headSent;
        private boolean finished;
        Exchange exchange;

        Collector(EventLoop loop, Done done) {
            this.loop = loop;
            this.done = done;
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public ByteBufAllocator alloc() {
            return ByteBufAllocator.DEFAULT;
        }

        @Override
        public void head(HttpResponse head) {
            status = head.status().code();
            headSent = true;
            if (head instanceof FullHttpResponse full) {
                content(full.content());
            }
        }

        @Override
        public void content(ByteBuf chunk) {
            if (finished || body.readableBytes() + chunk.readableBytes() > MAX_BODY) {
                chunk.release();
                return;
            }
            body.addComponent(true, chunk);
        }

        @Override
        public void flush() {
        }

        @Override
        public void end(ByteBuf lastOrNull) {
            if (lastOrNull != null) {
                content(lastOrNull);
            }
            complete(status, null);
        }

        @Override
        public void fail(HttpResponseStatus st, String message, String code) {
            complete(headSent ? status : st.code(), message);
        }

        @Override
        public void failRetryAfter(HttpResponseStatus st, String message, String code, long retryAfterSeconds) {
            fail(st, message, code);
        }

        @Override
        public void endWithError(HubError error) {
            complete(headSent ? status : error.status(), error.message());
        }

        void timeOut() {
            if (!finished) {
                Exchange ex = exchange;
                complete(0, "no answer within " + TIMEOUT_SECONDS + " s");
                if (ex != null) {
                    ex.abort();
                }
            }
        }

        private void complete(int st, String message) {
            if (finished) {
                return;
            }
            finished = true;
            String text = message != null ? message : body.toString(StandardCharsets.UTF_8);
            body.release();
            done.done(st, text);
        }

        @Override
        public boolean headSent() {
            return headSent;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public boolean isDone() {
            return finished;
        }
    }
}
