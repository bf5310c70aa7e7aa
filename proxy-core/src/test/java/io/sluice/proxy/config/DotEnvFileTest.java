package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code .env} rewrite behind runtime provider edits: other lines kept, values read back as written. */
class DotEnvFileTest {

    @TempDir
    Path dir;

    @Test
    void setsInPlaceRemovesAndAppendsKeepingEverythingElse() {
        String old = "# header\nexport A=1\n\nB=2 # note\nA=dup\nC='x y'\n";
        Map<String, String> set = new LinkedHashMap<>();
        set.put("A", "one");
        set.put("D", "new");
        String text = DotEnvFile.rewrite(old, set, Set.of("C"));
        assertThat(text).isEqualTo("# header\nexport A=one\n\nB=2 # note\nD=new\n");
    }

    @Test
    void keepsWindowsLineEndings() {
        assertThat(DotEnvFile.rewrite("A=1\r\nB=2\r\n", Map.of("B", "3"), Set.of())).isEqualTo("A=1\r\nB=3\r\n");
    }

    @Test
    void everyValueReadsBackAsItWasWritten() {
        String[] values = {"plain", "sk-ant-api03_x.y/z:1,2@3+4=5", "with space", "hash # not a comment",
            "quote \" and \\ backslash", "dollar $HOME", "'single'", "tab\tand\nnewline", "", "ünïcode"};
        for (String v : values) {
            String text = DotEnvFile.rewrite("", Map.of("V", v), Set.of());
            assertThat(DotEnvParser.parse(text, "t").get("V")).as(text).isEqualTo(v);
        }
    }

    @Test
    void writesAtomicallyWithOwnerOnlyPermissions() throws Exception {
        Path f = dir.resolve(".env");
        Files.writeString(f, "# mine\nX=1\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        DotEnvFile.update(f, Map.of("OPENAI_API_KEY", "sk-secret"), Set.of("X"));
        assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("# mine\nOPENAI_API_KEY=sk-secret\n");
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void createsTheFileWhenMissing() throws Exception {
        Path f = dir.resolve("sub").resolve(".env");
        DotEnvFile.update(f, Map.of("K", "v"), Set.of("GONE"));
        assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("K=v\n");
    }
}
