package io.sluice.proxy.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.proxy.config.LiveConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.logs.LogEntry;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.logs.ProviderLogs;
import io.sluice.proxy.ops.Operations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The per-provider log rings: {@code /api/monitoring/providers/logs/all?level=&count=}, {@code /providers/logs/stats},
 * {@code /providers/{name}/logs?level=&count=} and {@code POST /providers/{name}/logs/clear}. A bad {@code level} or
 * {@code count} throws {@link IllegalArgumentException}, which {@link MonitoringApi} answers with a 400.
 */
final class LogEndpoints {

    /** Log entries returned when a request names no count, and the most it may ask for. */
    static final int DEFAULT_LOG_COUNT = 100;
    static final int MAX_LOG_COUNT = 1000;

    private final LiveConfig config;
    private final Operations ops;

    LogEndpoints(LiveConfig config, Operations ops) {
        this.config = config;
        this.ops = ops;
    }

    /** The latest entries of every provider. */
    String all(QueryStringDecoder q) {
        return logs(ops.logs().all(level(q), count(q)), null);
    }

    /** The latest entries of one provider. */
    String recent(ProviderConfig provider, QueryStringDecoder q) {
        return logs(ops.logs().recent(provider.name(), level(q), count(q)), provider.name());
    }

    /** Empties one provider's ring. */
    MonitoringApi.Answer clear(ProviderConfig provider) {
        int n = ops.logs().clear(provider.name());
        return new MonitoringApi.Answer(HttpResponseStatus.OK, new JsonText().begin().field("success", true)
                .field("provider", provider.name()).field("cleared", n).end().toString());
    }

    /** Per provider: entries held, capacity, and totals by level; enabled providers that logged nothing show zeros. */
    String stats() {
        JsonText j = new JsonText().begin().field("success", true).array("providers");
        List<ProviderLogs.Stats> stats = new ArrayList<>(ops.logs().stats());
        for (ProviderConfig p : config.current().enabledProviders()) { // the silent ones too, with zeros
            if (stats.stream().noneMatch(s -> s.provider().equals(p.name()))) {
                stats.add(new ProviderLogs.Stats(p.name(), 0, ops.logs().capacity(), 0, 0, 0, 0, 0));
            }
        }
        stats.sort(Comparator.comparing(ProviderLogs.Stats::provider));
        for (ProviderLogs.Stats s : stats) {
            j.begin().field("provider", s.provider()).field("held", s.held()).field("capacity", s.capacity())
                    .field("total", s.total()).field("debug", s.debug()).field("info", s.info())
                    .field("warn", s.warn()).field("error", s.error()).end();
        }
        return j.endArray().end().toString();
    }

    private static String logs(List<LogEntry> entries, String provider) {
        JsonText j = new JsonText().begin().field("success", true);
        if (provider != null) {
            j.field("provider", provider);
        }
        j.array("logs");
        for (LogEntry e : entries) {
            j.io(() -> e.writeApiJson(j.gen()));
        }
        // The seed's "count", Sluice's "total": the same number.
        return j.endArray().field("count", entries.size()).field("total", entries.size()).end().toString();
    }

    private static LogLevel level(QueryStringDecoder q) {
        List<String> v = q.parameters().get("level");
        if (v == null || v.isEmpty() || v.get(0).isEmpty() || v.get(0).equalsIgnoreCase("all")) {
            return null;
        }
        return LogLevel.parse(v.get(0));
    }

    private static int count(QueryStringDecoder q) {
        List<String> v = q.parameters().get("count");
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) {
            return DEFAULT_LOG_COUNT;
        }
        try {
            int n = Integer.parseInt(v.get(0).strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return Math.min(n, MAX_LOG_COUNT);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("count: " + Text.printable(v.get(0))
                    + " (expected: 1.." + MAX_LOG_COUNT + ")");
        }
    }
}
