package io.sluice.proxy.admin;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.ops.LiveStats;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.ops.RequestHistory;
import io.sluice.proxy.ops.RequestTrace;
import io.sluice.proxy.state.ClusterUsage;
import io.sluice.proxy.usage.UsageLedger;
import io.sluice.proxy.usage.UsageTotals;
import java.time.Instant;
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
    /** Null without shared state. */
    private final ClusterUsage cluster;

    TrafficEndpoints(Operations ops, LongSupplier epochMillis, ClusterUsage cluster) {
        this.ops = ops;
        this.cluster = cluster;
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

    /**
     * {@code /v1/stats}: this instance's usage; with shared state, the cluster's (every instance's runs summed) with
     * a line per instance and this instance's own under {@code local}. Never waits for Redis.
     */
    String stats() {
        UsageLedger.Snapshot local = ops.usage().snapshot();
        if (cluster == null) {
            JsonText j = new JsonText().begin().field("object", "stats");
            return usage(j, local).end().toString();
        }
        ClusterUsage.View v = cluster.view();
        JsonText j = new JsonText().begin().field("object", "stats").field("scope", "cluster")
                .field("instance", cluster.instanceId()).field("readAt", v.readAt() == 0 ? null : v.readAt());
        usage(j, v.cluster());
        j.array("instances");
        for (ClusterUsage.Instance i : v.instances()) {
            j.begin().field("instance", i.instance()).field("since", i.since()).field("updated", i.updated())
                    .field("live", i.live());
            totals(j, i.totals()).end();
        }
        j.endArray().begin("local").field("instance", cluster.instanceId()).field("since", local.since());
        return totals(j, local.total()).end().end().toString();
    }

    private static JsonText usage(JsonText j, UsageLedger.Snapshot s) {
        j.field("since", s.since());
        totals(j, s.total());
        rows(j, "providers", s.byProvider());
        rows(j, "models", s.byModel());
        rows(j, "keys", s.byKey());
        rows(j, "clientKeys", s.byClient());
        return j;
    }

    private static JsonText totals(JsonText j, UsageTotals t) {
        return j.field("requests", t.requests()).field("errors", t.errors())
                .begin("tokens").field("prompt", t.promptTokens()).field("completion", t.completionTokens())
                .field("cached", t.cachedTokens()).field("reasoning", t.reasoningTokens())
                .field("total", t.totalTokens()).end()
                .field("estimatedRequests", t.estimatedRequests()).field("dedupRequests", t.dedupRequests());
    }

    /**
     * {@code /v1/history}: the last answered requests, newest first, as the seed's JSON array ({@code ?limit=}
     * 1..200, default all). Keys appear by name; error texts with provider keys masked.
     */
    String history(QueryStringDecoder q, List<String> secrets) {
        int limit = RequestHistory.CAPACITY;
        List<String> l = q.parameters().get("limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Integer.parseInt(l.get(0).strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > RequestHistory.CAPACITY) {
                throw new IllegalArgumentException("limit: " + Text.printable(l.get(0)) + " (expected: 1.."
                        + RequestHistory.CAPACITY + ")");
            }
        }
        JsonText j = new JsonText().beginArray();
        for (RequestHistory.Entry e : ops.history().newest(limit)) {
            j.beginObject().field("ts", Instant.ofEpochMilli(e.startMillis()).toString()).field("id", e.id())
                    .field("route", e.route()).field("model", e.model()).field("provider", e.provider())
                    .field("upstreamModel", e.upstreamModel()).field("key", e.key())
                    .field("client", e.client() == null ? Operations.ANONYMOUS : e.client())
                    .field("status", e.status()).field("latencyMs", e.latencyMs())
                    .field("firstByteMs", e.firstByteMs() < 0 ? null : e.firstByteMs())
                    .field("stream", e.stream()).field("attempts", e.attempts())
                    .begin("usage").field("prompt_tokens", e.promptTokens())
                    .field("completion_tokens", e.completionTokens())
                    .field("total_tokens", e.promptTokens() + e.completionTokens())
                    .field("estimated", e.estimated()).end()
                    .field("error", Secrets.maskAll(e.error(), secrets)).end();
        }
        return j.endArray().toString();
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
                    .field("estimatedRequests", t.estimatedRequests()).field("dedupRequests", t.dedupRequests())
                    .end();
        }
        j.endArray();
    }
}
