package io.sluice.proxy.admin;

import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.ops.LiveStats;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.ops.RequestTrace;
import io.sluice.proxy.usage.UsageLedger;
import io.sluice.proxy.usage.UsageTotals;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What is flowing through the proxy: {@code /api/sessions} (requests in flight and client sessions),
 * {@code /api/stats/live} (rates and latencies over the last window) and {@code /v1/stats} (usage totals per provider,
 * model, key and client key).
 */
final class TrafficEndpoints {

    private final Operations ops;
    private final LongSupplier epochMillis;
    private final long startMillis;

    TrafficEndpoints(Operations ops, LongSupplier epochMillis) {
        this.ops = ops;
        this.epochMillis = epochMillis;
        this.startMillis = epochMillis.getAsLong();
    }

    String sessions() {
        long now = epochMillis.getAsLong();
        long nanos = ops.nanoTime();
        JsonText j = new JsonText().begin().field("success", true).array("active");
        for (RequestTrace t : ops.inFlight()) {
            long fb = t.firstByteAfterNanos();
            j.begin().field("id", t.id()).field("route", t.route()).field("model", t.model())
                    .field("provider", t.provider()).field("upstreamModel", t.upstreamModel()).field("key", t.key())
                    .field("client", t.client() == null ? Operations.ANONYMOUS : t.client())
                    .field("startedAt", t.startMillis()).field("elapsedMs", (nanos - t.startNanos()) / 1_000_000)
                    .field("stream", t.stream()).field("attempts", t.attempts())
                    .field("firstByteMs", fb < 0 ? null : fb / 1_000_000).end();
        }
        j.endArray().array("clients");
        for (Operations.ClientSession c : ops.clients()) {
            j.begin().field("client", c.name()).field("requests", c.requests()).field("errors", c.errors())
                    .field("lastSeen", c.lastSeen()).field("promptTokens", c.promptTokens())
                    .field("completionTokens", c.completionTokens()).end();
        }
        return j.endArray().field("now", now).end().toString();
    }

    String live() {
        LiveStats.Snapshot s = ops.live();
        return new JsonText().begin().field("success", true).field("window", LiveStats.WINDOW_SECONDS)
                .field("uptimeSeconds", (epochMillis.getAsLong() - startMillis) / 1000)
                .field("requestsPerSecond", s.requestsPerSecond()).field("errorsPerSecond", s.errorsPerSecond())
                .field("inFlight", ops.inFlightCount())
                .begin("latencyMs").field("p50", s.p50()).field("p90", s.p90()).field("p99", s.p99()).end()
                .begin("ttftMs").field("p50", s.ttftP50()).field("p99", s.ttftP99()).end()
                .numbers("perSecond", s.perSecond()).end().toString();
    }

    String stats() {
        UsageLedger.Snapshot s = ops.usage().snapshot();
        UsageTotals t = s.total();
        JsonText j = new JsonText().begin().field("object", "stats").field("since", s.since())
                .field("requests", t.requests()).field("errors", t.errors())
                .begin("tokens").field("prompt", t.promptTokens()).field("completion", t.completionTokens())
                .field("cached", t.cachedTokens()).field("reasoning", t.reasoningTokens())
                .field("total", t.totalTokens()).end()
                .field("estimatedRequests", t.estimatedRequests());
        rows(j, "providers", s.byProvider());
        rows(j, "models", s.byModel());
        rows(j, "keys", s.byKey());
        rows(j, "clientKeys", s.byClient());
        return j.end().toString();
    }

    private static void rows(JsonText j, String name, List<UsageLedger.Row> rows) {
        j.array(name);
        for (UsageLedger.Row r : rows) {
            j.begin();
            if (name.equals("clientKeys")) {
                j.field("client", r.client() == null ? Operations.ANONYMOUS : r.client());
            } else {
                j.field("provider", r.provider());
            }
            if (r.model() != null) {
                j.field("model", r.model());
            }
            if (r.key() != null) {
                j.field("key", r.key());
            }
            UsageTotals t = r.totals();
            j.field("requests", t.requests()).field("errors", t.errors()).field("promptTokens", t.promptTokens())
                    .field("completionTokens", t.completionTokens()).field("cachedTokens", t.cachedTokens())
                    .field("reasoningTokens", t.reasoningTokens()).field("totalTokens", t.totalTokens())
                    .field("estimatedRequests", t.estimatedRequests()).end();
        }
        j.endArray();
    }
}
