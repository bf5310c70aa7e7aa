package io.sluice.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bench.load.ErrorKind;
import io.sluice.bench.load.LoadMode;
import io.sluice.bench.load.LoadResult;
import io.sluice.bench.load.LoadSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static Row row(String via, long p50Micros) {
        LoadSpec spec = LoadSpec.builder("http://127.0.0.1:1/v1/chat/completions").mode(LoadMode.CLOSED).build();
        Histogram latency = new Histogram(3);
        latency.recordValueWithCount(p50Micros * 1000, 100);
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        for (ErrorKind k : ErrorKind.values()) {
            errors.put(k, 0L);
        }
        LoadResult r = new LoadResult(spec, "nio", 100, 100, errors, 0, 1, 0, Duration.ofSeconds(1), 100,
                latency, new Histogram(3), new Histogram(3), new Histogram(3), new Histogram(3));
        return new Row("capacity", via, 0, r, via.equals("direct") ? Double.NaN : 0.5,
                via.equals("direct") ? -1 : 1 << 20, -1, -1);
    }

    @Test
    void eachSluiceRunIsSetAgainstTheDirectRunJustBeforeIt() {
        PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Scenarios s = new Scenarios(null, null, discard, 1.0);
        s.rows.add(row("direct", 1000));
        s.rows.add(row("sluice", 1100));
        s.rows.add(row("direct", 2000));
        s.rows.add(row("sluice", 2300));

        String[] lines = new Report(s, "test").table().split("\n");

        // +p50 µs is the 9th column: round one +100, round two +300 (not +1300 against round one's baseline);
        // HdrHistogram keeps 3 significant digits, so a few µs either way.
        assertThat(Integer.parseInt(lines[2].trim().split("\\s+")[8])).isBetween(95, 105);
        assertThat(Integer.parseInt(lines[4].trim().split("\\s+")[8])).isBetween(295, 305);
    }
}
