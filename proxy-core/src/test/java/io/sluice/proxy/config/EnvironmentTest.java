package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {

    @TempDir
    Path tmp;

    @Test
    void parsesKeyValueLines() {
        String text = """
                # a comment
                A=1

                  B = two words  \s
                export C=3
                export   D=4
                E=
                F=a=b=c
                """;
        assertThat(Environment.parseDotEnv(text, ".env"))
                .containsExactly(Map.entry("A", "1"), Map.entry("B", "two words"), Map.entry("C", "3"),
                        Map.entry("D", "4"), Map.entry("E", ""), Map.entry("F", "a=b=c"));
    }

    @Test
    void parsesQuotedValues() {
        String text = """
                SINGLE='it is $literal \\n # not a comment'
                DOUBLE="line1\\nline2 \\"quoted\\" back\\\\slash tab\\t"
                EMPTY_QUOTES=""
                SPACES="  kept  "
                AFTER="value" # trailing comment
                """;
        assertThat(Environment.parseDotEnv(text, ".env"))
                .containsEntry("SINGLE", "it is $literal \\n # not a comment")
                .containsEntry("DOUBLE", "line1\nline2 \"quoted\" back\\slash tab\t")
                .containsEntry("EMPTY_QUOTES", "")
                .containsEntry("SPACES", "  kept  ")
                .containsEntry("AFTER", "value");
    }

    @Test
    void stripsInlineCommentsFromUnquotedValuesOnlyAfterWhitespace() {
        assertThat(Environment.parseDotEnv("A=value # comment\nB=pass#word\n", ".env"))
                .containsEntry("A", "value")
                .containsEntry("B", "pass#word");
    }

    @Test
    void acceptsCrLfAndByteOrderMark() {
        assertThat(Environment.parseDotEnv("\uFEFFA=1\r\nB=2\r\n", ".env"))
                .containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    }

    @Test
    void laterLinesWin() {
        assertThat(Environment.parseDotEnv("A=1\nA=2\n", ".env")).containsExactly(Map.entry("A", "2"));
    }

    @Test
    void lineWithoutEqualsNamesTheLineButNotItsContent() {
        assertThatThrownBy(() -> Environment.parseDotEnv("A=1\nsk-secret-value\n", "/x/.env"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/x/.env:2: no '=' (expected: KEY=VALUE)")
                .message().doesNotContain("sk-secret");
    }

    @Test
    void rejectsBadNames() {
        assertThatThrownBy(() -> Environment.parseDotEnv("1A=x\n", ".env"))
                .hasMessage(".env:1: \"1A\" (expected: a variable name like OPENAI_API_KEY)");
        assertThatThrownBy(() -> Environment.parseDotEnv("=x\n", ".env"))
                .hasMessage(".env:1: \"\" (expected: a variable name like OPENAI_API_KEY)");
    }

    @Test
    void rejectsUnterminatedQuotes() {
        assertThatThrownBy(() -> Environment.parseDotEnv("A=\"abc\n", ".env"))
                .hasMessage(".env:1: unterminated \" quote (expected: a closing \" on the same line)");
        assertThatThrownBy(() -> Environment.parseDotEnv("A='abc\n", ".env"))
                .hasMessage(".env:1: unterminated ' quote (expected: a closing ' on the same line)");
    }

    @Test
    void rejectsTextAfterClosingQuote() {
        assertThatThrownBy(() -> Environment.parseDotEnv("A=\"abc\"def\n", ".env"))
                .hasMessage(".env:1: text after the closing \" (expected: only a # comment after a quoted value)");
    }

    @Test
    void missingDotEnvIsEmpty() {
        assertThat(Environment.readDotEnv(tmp.resolve(".env"))).isEmpty();
    }

    @Test
    void realEnvironmentWinsOverWorkingDirWhichWinsOverConfigDir() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path confDir = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(confDir.resolve(".env"), "A=conf\nB=conf\nC=conf\n");
        Files.writeString(work.resolve(".env"), "A=work\nB=work\n");
        Map<String, String> env = Environment.of(Map.of("A", "real"), work, confDir.resolve("sluice.yaml"));
        assertThat(env).containsEntry("A", "real").containsEntry("B", "work").containsEntry("C", "conf");
    }

    @Test
    void realEnvironmentWinsEvenWhenEmpty() throws IOException {
        Files.writeString(tmp.resolve(".env"), "A=fromfile\n");
        Map<String, String> env = Environment.of(Map.of("A", ""), tmp, tmp.resolve("sluice.yaml"));
        assertThat(env).containsEntry("A", "");
    }

    @Test
    void sameDirectoryIsReadOnce() throws IOException {
        Files.writeString(tmp.resolve(".env"), "A=1\n");
        assertThat(Environment.of(Map.of(), tmp, tmp.resolve("sluice.yaml"))).containsExactly(Map.entry("A", "1"));
    }

    @Test
    void relativeConfigFileResolvesAgainstTheProcessDirectory() {
        // No .env next to a relative path that does not exist: nothing to read, no error.
        assertThat(Environment.of(Map.of("X", "1"), tmp, Path.of("does-not-exist", "sluice.yaml")))
                .containsEntry("X", "1");
    }

    @Test
    void brokenDotEnvFileIsNamedInTheError() throws IOException {
        Path file = Files.writeString(tmp.resolve(".env"), "oops\n");
        assertThatThrownBy(() -> Environment.of(Map.of(), tmp, tmp.resolve("sluice.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":1: no '=' (expected: KEY=VALUE)");
    }

    @Test
    void systemIncludesTheProcessEnvironment() {
        Map<String, String> env = Environment.system(tmp.resolve("sluice.yaml"));
        System.getenv().forEach((k, v) -> assertThat(env).containsEntry(k, v));
    }
}
