package io.sluice.proxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code systemd-analyze verify}: systemd's own parser on a unit file, which warns (and still exits 0) on unknown keys,
 * bad values and missing executables. Where systemd is not installed the check is skipped, CI included: the
 * structural checks in {@link DeploymentFilesTest} run everywhere.
 */
final class SystemdAnalyze {

    private static final Path BINARY = Path.of("/usr/bin/systemd-analyze");

    private SystemdAnalyze() {
    }

    static void verify(Path unit, Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), BINARY + " missing: systemd-analyze verify skipped");
        Path copy = dir.resolve(unit.getFileName()); // a directory of its own: verify also reads the unit's siblings
        Files.copy(unit, copy);
        Process p = new ProcessBuilder(BINARY.toString(), "verify", copy.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // /usr/bin/java missing is the machine's business, not the unit's: the JDK may live elsewhere here
        String relevant = out.lines().filter(l -> !l.contains("/usr/bin/java")).reduce("", (a, b) -> a + b + "\n");
        assertThat(relevant).as("systemd-analyze verify " + unit).isBlank();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
