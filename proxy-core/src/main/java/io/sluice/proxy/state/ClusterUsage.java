package io.sluice.proxy.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ScriptOutputType;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.usage.UsageGroups;
import io.sluice.proxy.usage.UsageLedger;
import io.sluice.proxy.usage.UsageTotals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The usage ledger aggregated across instances on Redis (DESIGN.md 6), off the request path: requests are counted by
 * the local {@link UsageLedger} as always; once a second this instance's own thread writes what this process counted
 * since it started (its <em>run</em>) to Redis, and reads back every other run.
 *
 * <p>A run's figures are written as absolute totals per tuple, never as increments: a write retried after a lost
 * reply, or repeated after a reconnect, sets the same values again, so nothing is counted twice; a write that failed
 * is simply superseded by the next one, so nothing is lost. A Redis that restarted empty is noticed (the run's hash is
 * gone while this instance believed it written) and the whole run is written again. Only the tuples that changed
 * since the last acknowledged write are sent; an idle run still writes its {@code @meta} (its heartbeat, and how a lost
 * hash is noticed).
 *
 * <p>Keys: {@code <ns>:usage:runs} (a set of run ids, {@code <instance>@<start millis>}) and
 * {@code <ns>:usage:run:<run id>} (a hash: {@code @meta} and one field per tuple, a JSON array of provider, model,
 * provider key name and client key name, never a key itself, valued {@code requests,errors,prompt,completion,
 * cached,reasoning,estimated,dedup}).
 */
public final class ClusterUsage implements AutoCloseable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(ClusterUsage.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String META = "@meta";
    /** How often a run is written and the others read. */
    public static final long INTERVAL_MILLIS = 1000;
    /** A run not written for this long is shown as not live (stopped, or cut off from Redis). */
    static final long LIVE_MILLIS = 15_000;
    /** Fields per HSET inside the script: Lua's unpack has a stack limit. */
    private static final int CHUNK = 500;

    /**
     * KEYS[1] the run's hash, KEYS[2] the set of runs; ARGV[1] the run id, ARGV[2] "1" when the hash must exist
     * already (else it was lost: answer 0 and write nothing), ARGV[3..] field, value pairs.
     */
    static final String WRITE_SCRIPT = "if ARGV[2] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
            + "local n = #ARGV\n"
            + "local i = 3\n"
            + "while i <= n do\n"
            + "  local j = math.min(i + " + (2 * CHUNK - 1) + ", n)\n"
            + "  redis.call('HSET', KEYS[1], unpack(ARGV, i, j))\n"
            + "  i = j + 1\n"
            + "end\n"
            + "redis.call('SADD', KEYS[2], ARGV[1])\n"
            + "return 1\n";

    /** One instance's figures in the cluster. */
    public record Instance(String instance, long since, long updated, boolean live, UsageTotals totals) {
    }

    /**
     * The cluster at one moment: every run's counts grouped, and per instance.
     *
     * @param readAt when the other runs were last read from Redis (epoch millis), 0 if never
     */
    public record View(UsageLedger.Snapshot cluster, List<Instance> instances, long readAt) {
    }

    private final RedisLink redis;
    private final UsageLedger ledger;
    private final LongSupplier clock;
    private final String runId;
    private final long startMillis;
    private final String runKey;
    private final String runsKey;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Per field, the value Redis acknowledged last; empty when the run must be written whole. Timer thread only. */
    private final Map<String, String> written = new HashMap<>();
    private volatile boolean rewrite = true;
    /** The other runs as read last, by run id: their tuple rows and meta. */
    private volatile Map<String, Run> others = Map.of();
    private volatile long readAt;
    private volatile boolean closed;

    record Run(String instance, long since, long updated, List<UsageLedger.Row> rows) {
    }

    private ClusterUsage(RedisLink redis, UsageLedger ledger, LongSupplier clock, long intervalMillis) {
        this.redis = redis;
        this.ledger = ledger;
        this.clock = clock;
        this.startMillis = clock.getAsLong();
        this.runId = redis.instanceId() + "@" + startMillis;
        this.runKey = redis.key("usage", "run", runId);
        this.runsKey = redis.key("usage", "runs");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-usage-share");
            t.setDaemon(true);
            return t;
        });
        redis.onReconnect(() -> rewrite = true);
        timer.scheduleWithFixedDelay(this::sync, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Shares {@code ledger}'s counts of this process through {@code redis}, every {@code intervalMillis}. */
    public static ClusterUsage start(RedisLink redis, UsageLedger ledger, LongSupplier clock, long intervalMillis) {
        return new ClusterUsage(redis, ledger, clock, intervalMillis);
    }

    /** This instance's name in shared state. */
    public String instanceId() {
        return redis.instanceId();
    }

    /** This process's run: {@code <instance>@<start millis>}. */
    public String runId() {
        return runId;
    }

    /**
     * The cluster figures now: the other runs as last read from Redis plus this run's live counts, so this instance's
     * own requests show at once even while Redis is down. No Redis call: safe on an event loop.
     */
    public View view() {
        UsageGroups all = new UsageGroups();
        Map<String, UsageGroups> perInstance = new TreeMap<>();
        Map<String, long[]> meta = new HashMap<>();
        long now = clock.getAsLong();
        long since = startMillis;
        List<UsageLedger.Row> mine = ledger.runRows();
        all.addAll(mine);
        perInstance.computeIfAbsent(redis.instanceId(), k -> new UsageGroups()).addAll(mine);
        meta.put(redis.instanceId(), new long[] {startMillis, now});
        for (Run r : others.values()) {
            all.addAll(r.rows());
            perInstance.computeIfAbsent(r.instance(), k -> new UsageGroups()).addAll(r.rows());
            long[] m = meta.computeIfAbsent(r.instance(), k -> new long[] {r.since(), r.updated()});
            m[0] = Math.min(m[0], r.since());
            m[1] = Math.max(m[1], r.updated());
            since = Math.min(since, r.since());
        }
        List<Instance> instances = new ArrayList<>(perInstance.size());
        perInstance.forEach((id, g) -> {
            long[] m = meta.get(id);
            instances.add(new Instance(id, m[0], m[1], now - m[1] < LIVE_MILLIS, g.total()));
        });
        return new View(all.snapshot(since), instances, readAt);
    }

    /** One write then one read; skipped while the previous one is still under way. */
    void sync() {
        if (closed || !busy.compareAndSet(false, true)) {
            return;
        }
        write().thenCompose(ok -> read()).whenComplete((v, e) -> {
            busy.set(false);
            if (e != null) {
                LOG.debug("state: usage sync failed: {}", e.toString());
            }
        });
    }

    /** Writes the tuples that changed since the last acknowledged write (the whole run after a reconnect). */
    CompletionStage<Boolean> write() {
        boolean whole = rewrite;
        if (whole) {
            rewrite = false;
            written.clear();
        }
        Map<String, String> changed = new HashMap<>();
        for (UsageLedger.Row r : ledger.runRows()) {
            String field = field(r);
            String value = value(r.totals());
            if (!value.equals(written.get(field))) {
                changed.put(field, value);
            }
        }
        long now = clock.getAsLong();
        List<String> args = new ArrayList<>(4 + 2 * changed.size());
        args.add(runId);
        args.add(written.isEmpty() ? "0" : "1");
        args.add(META);
        args.add(redis.instanceId() + "," + startMillis + "," + now);
        changed.forEach((f, v) -> {
            args.add(f);
            args.add(v);
        });
        String[] keys = {runKey, runsKey};
        return redis.<Long>call(c -> c.eval(WRITE_SCRIPT, ScriptOutputType.INTEGER, keys, args.toArray(String[]::new)))
                .handle((n, e) -> {
                    if (e != null) {
                        if (whole) {
                            rewrite = true; // not known to be written whole: do it again next time
                        }
                        return false;
                    }
                    if (n != null && n == 0) {
                        LOG.info("state: usage of run {} was lost by Redis (restarted empty?); writing it again",
                                runId);
                        rewrite = true;
                        return false;
                    }
                    written.putAll(changed);
                    return true;
                });
    }

    /** Reads every other run. */
    CompletionStage<Void> read() {
        return redis.<Set<String>>call(c -> c.smembers(runsKey)).thenCompose(ids -> {
            Map<String, CompletableFuture<Map<String, String>>> reads = new HashMap<>();
            for (String id : ids) {
                if (!id.equals(runId)) {
                    reads.put(id, redis.<Map<String, String>>call(c -> c.hgetall(redis.key("usage", "run", id)))
                            .toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenRun(() -> {
                Map<String, Run> runs = new HashMap<>();
                reads.forEach((id, f) -> {
                    Run r = parse(f.join());
                    if (r != null) {
                        runs.put(id, r);
                    }
                });
                others = runs;
                readAt = clock.getAsLong();
            });
        });
    }

    static Run parse(Map<String, String> hash) {
        String meta = hash.get(META);
        if (meta == null) {
            return null; // gone, or being written
        }
        String[] m = meta.split(",");
        if (m.length != 3) {
            return null;
        }
        List<UsageLedger.Row> rows = new ArrayList<>(hash.size());
        try {
            long since = Long.parseLong(m[1]);
            long updated = Long.parseLong(m[2]);
            for (Map.Entry<String, String> e : hash.entrySet()) {
                if (e.getKey().equals(META)) {
                    continue;
                }
                String[] t = JSON.readValue(e.getKey(), String[].class);
                String[] v = e.getValue().split(",");
                if (t.length != 4 || v.length != 8) {
                    continue;
                }
                long[] n = new long[8];
                for (int i = 0; i < 8; i++) {
                    n[i] = Long.parseLong(v[i]);
                }
                rows.add(new UsageLedger.Row(t[0], t[1], t[2], t[3],
                        new UsageTotals(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7])));
            }
            return new Run(m[0], since, updated, rows);
        } catch (JsonProcessingException | NumberFormatException e) {
            LOG.debug("state: unreadable usage run: {}", e.toString());
            return null;
        }
    }

    static String field(UsageLedger.Row r) {
        try {
            return JSON.writeValueAsString(new String[] {r.provider(), r.model(), r.key(), r.client()});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String value(UsageTotals t) {
        return t.requests() + "," + t.errors() + "," + t.promptTokens() + "," + t.completionTokens() + ","
                + t.cachedTokens() + "," + t.reasoningTokens() + "," + t.estimatedRequests() + "," + t.dedupRequests();
    }

    /**
     * Writes this run's last counts (waiting a couple of seconds at most), then stops: call it at shutdown, after the
     * last request, never on an event loop.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!busy.compareAndSet(false, true)) { // a sync under way: let it finish
                if (System.nanoTime() - deadline > 0) {
                    return;
                }
                Thread.sleep(5);
            }
            if (!closed && redis.up()) {
                write().toCompletableFuture().get(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("state: the last usage of run {} did not reach Redis: {}", runId, e.toString());
        } finally {
            closed = true;
        }
    }
}
