package io.sluice.proxy.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The config loader on hostile input: whatever the YAML and environment, it answers a {@link SluiceConfig} or a
 * {@link ConfigException} (one line naming the key), never another exception. A Jazzer target (fuzzed with
 * {@code JAZZER_FUZZ=1}, replayed in the suite) and a seeded short run over mutations of the bundled config.
 */
class ConfigFuzzTest {

    /** The one call under test: anything but a ConfigException escaping is a finding. */
    static void load(String yaml, Map<String, String> env) {
        try {
            ConfigLoader.parse(yaml, env);
        } catch (ConfigException expected) {
            // the message is the user's answer
        }
    }

    @FuzzTest(maxDuration = "5m")
    void anyYaml(FuzzedDataProvider data) {
        String value = data.consumeString(64);
        load(data.consumeRemainingAsString(), Map.of("OPENAI_API_KEY", value, "OPENAI_ENABLED", "1",
                "SLUICE_CLIENT_KEY", value, "UPSTREAM_CONCURRENCY_ENABLED", value));
    }

    @Test
    void mutationsOfTheBundledConfigLoadOrFailCleanly() throws IOException {
        String seed = Files.readString(Path.of("../conf/sluice.yaml"), StandardCharsets.UTF_8);
        String[] tokens = {":", "- ", "{", "}", "[", "]", "\n  ", "\n", "${X}", "${", "&a", "*a", "!!binary", "~",
            "-1", "1e400", "0x7fffffff", "\"", "'", "#", "? ", "<<: *a", "\t", "%YAML 1.2\n", "\u0000"};
        Random r = new Random(61);
        for (int i = 0; i < 600; i++) {
            StringBuilder sb = new StringBuilder(seed);
            for (int e = 1 + r.nextInt(6); e > 0; e--) {
                int at = sb.length() == 0 ? 0 : r.nextInt(sb.length());
                switch (r.nextInt(3)) {
                    case 0 -> sb.insert(at, tokens[r.nextInt(tokens.length)]);
                    case 1 -> sb.delete(at, Math.min(sb.length(), at + 1 + r.nextInt(40)));
                    default -> sb.setLength(at);
                }
            }
            String yaml = sb.toString();
            try {
                load(yaml, Map.of("OPENAI_ENABLED", r.nextBoolean() ? "1" : "maybe"));
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("input " + i + ":\n" + yaml, e);
            }
        }
    }
}
