package io.sluice.bench.jmh;

import io.sluice.proxy.access.Access;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;

/**
 * What the access rules add to one request ({@code ClientHandler.checkAccess} and the allow-list check): with no rules
 * ({@code open}, the default), with 100 client keys (a valid key, {@code keyHit}; an unknown one, {@code keyMiss}: a
 * SHA-256 of the presented key and one map lookup), the allow-list check of a key limited to 3 patterns
 * ({@code allowList}), and 10 IP rules checked against an address that passes them all ({@code ipRules}). Score: ns
 * per operation; with {@code -prof gc}, bytes allocated per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AccessBenchmark extends JmhDefaults {

    static final String KEY = "sk-client-key-0000000000000042";

    Access open;
    Access keyed;
    Access ipRules;
    ClientKeys.Key limited;
    InetSocketAddress peer;

    @Setup
    public void setUp() {
        open = access("");
        StringBuilder keys = new StringBuilder("access:\n  clientKeys:\n");
        for (int i = 0; i < 100; i++) {
            keys.append("    k").append(i).append(": {key: ")
                    .append(String.format(Locale.ROOT, "sk-client-key-%016d", i))
                    .append(i == 7 ? ", models: [\"gpt-4o\", \"claude-*\", \"openai/*\"]" : "").append("}\n");
        }
        keyed = access(keys.toString());
        limited = keyed.authenticate(String.format(Locale.ROOT, "sk-client-key-%016d", 7)).key();
        StringBuilder rules = new StringBuilder("access:\n  ipAllow: [");
        for (int i = 0; i < 5; i++) {
            rules.append(i == 0 ? "" : ", ").append("10.").append(i * 10).append(".0.0/16");
        }
        rules.append("]\n  ipDeny: [");
        for (int i = 0; i < 5; i++) {
            rules.append(i == 0 ? "" : ", ").append("10.").append(i * 10).append(".66.0/24");
        }
        ipRules = access(rules.append("]\n").toString());
        peer = new InetSocketAddress("10.40.1.2", 50000);
        if (keyed.authenticate(KEY).key() == null || ipRules.checkAddress(peer, null) != null) {
            throw new IllegalStateException("benchmark fixtures are wrong");
        }
    }

    private static Access access(String yaml) {
        SluiceConfig c = ConfigLoader.parse("providersFromEnv: false\n" + yaml, Map.of());
        return new Access(c, System::nanoTime);
    }

    @Benchmark
    public Object open() {
        Access.Denial d = open.checkAddress(peer, null);
        return d != null ? d : open.authenticate(KEY);
    }

    @Benchmark
    public Object keyHit() {
        return keyed.authenticate(KEY);
    }

    @Benchmark
    public Object keyMiss() {
        return keyed.authenticate("sk-client-key-unknown-00000042");
    }

    @Benchmark
    public boolean allowList() {
        return limited.allows("anthropic/claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5");
    }

    @Benchmark
    public Object ipRules() {
        return ipRules.checkAddress(peer, null);
    }
}
