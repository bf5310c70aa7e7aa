package io.sluice.proxy.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.usage.UsageLedger;
import io.sluice.proxy.usage.UsageRecord;
import io.sluice.proxy.usage.UsageTotals;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ClusterUsage} writes to Redis and reads back, without Redis: a run is what this process counted (the
 * replayed ledger left out), and its hash reads back to the same rows whatever the names hold.
 */
class ClusterUsageTest {

    @TempDir
    Path dir;

    private static UsageRecord record(String model, String client, int status, long prompt, long completion) {
        return new UsageRecord(1_000, "openai", model, "OPENAI_API_KEY", client, status, prompt, completion, 2, 1,
                false);
    }

    @Test
    void aRunIsWhatThisProcessCountedNotWhatItReplayed() throws Exception {
        Path file = dir.resolve("usage.jsonl");
        try (UsageLedger before = UsageLedger.open(file, () -> 1_000)) {
            before.record(record("gpt-4o", "alice", 200, 10, 5));
            before.record(record("gpt-4o", "alice", 200, 10, 5));
        }
        try (UsageLedger ledger = UsageLedger.open(file, () -> 2_000)) {
            assertThat(ledger.runRows()).isEmpty();
            assertThat(ledger.snapshot().total().requests()).isEqualTo(2);
            ledger.record(record("gpt-4o", "alice", 500, 3, 0));
            ledger.record(record("gpt-4o-mini", null, 200, 7, 2));
            List<UsageLedger.Row> run = ledger.runRows();
            assertThat(run).hasSize(2);
            UsageLedger.Row alice = run.stream().filter(r -> "alice".equals(r.client())).findFirst().orElseThrow();
            assertThat(alice.totals()).isEqualTo(new UsageTotals(1, 1, 3, 0, 2, 1, 0, 0));
            assertThat(alice.model()).isEqualTo("gpt-4o");
            assertThat(alice.key()).isEqualTo("OPENAI_API_KEY");
        }
    }

    @Test
    void aRunsHashReadsBackToItsRows() {
        UsageLedger.Row odd = new UsageLedger.Row("open,ai", "m:\"x\"\n[1]", null, "c\u001fd",
                new UsageTotals(3, 1, 30, 20, 5, 4, 1, 1));
        Map<String, String> hash = new LinkedHashMap<>();
        hash.put(ClusterUsage.META, "b-2,1000,2000");
        hash.put(ClusterUsage.field(odd), ClusterUsage.value(odd.totals()));
        hash.put("[\"bad\"]", "1,2"); // skipped, not fatal
        ClusterUsage.Run run = ClusterUsage.parse(hash);
        assertThat(run.instance()).isEqualTo("b-2");
        assertThat(run.since()).isEqualTo(1000);
        assertThat(run.updated()).isEqualTo(2000);
        assertThat(run.rows()).containsExactly(odd);
        assertThat(ClusterUsage.parse(Map.of(ClusterUsage.field(odd), "1,1,1,1,1,1,1,1"))).isNull(); // no meta yet
        assertThat(ClusterUsage.parse(Map.of(ClusterUsage.META, "x,notanumber,2"))).isNull();
    }
}
