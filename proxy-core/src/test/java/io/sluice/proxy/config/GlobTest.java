package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void starsAndLiterals() {
        assertThat(new Glob("gpt-4o").matches("gpt-4o")).isTrue();
        assertThat(new Glob("gpt-4o").matches("gpt-4o-mini")).isFalse();
        assertThat(new Glob("gpt-4o*").matches("gpt-4o-mini")).isTrue();
        assertThat(new Glob("*").matches("")).isTrue();
        assertThat(new Glob("").matches("")).isTrue();
        assertThat(new Glob("").matches("x")).isFalse();
        assertThat(new Glob("a*b*c").matches("aXbYbZc")).isTrue();
        assertThat(new Glob("a*b*c").matches("aXbYbZ")).isFalse();
        assertThat(new Glob("**a").matches("bba")).isTrue();
        assertThat(new Glob("a.b*").matches("axbcd")).isFalse(); // '.' is a dot
        assertThat(new Glob("[x]+?").matches("[x]+?")).isTrue();
        assertThat(new Glob("openai/*").matches("openai/gpt-4.1")).isTrue();
    }

    @Test
    void matchesAJoinedProviderAndModelWithoutJoiningThem() {
        assertThat(new Glob("openai/*").matches("openai", "gpt-4o")).isTrue();
        assertThat(new Glob("openai/gpt-4o").matches("openai", "gpt-4o")).isTrue();
        assertThat(new Glob("openai*").matches("openai", "gpt-4o")).isTrue();
        assertThat(new Glob("*/gpt-4o").matches("azure", "gpt-4o")).isTrue();
        assertThat(new Glob("*/gpt-4o").matches("azure", "gpt-4o-mini")).isFalse();
        assertThat(new Glob("openai").matches("openai", "x")).isFalse();
        assertThat(new Glob("openai/").matches("openai", "")).isTrue();
    }

    /** Against the regex every glob means, on seeded random patterns and texts over a small alphabet. */
    @Test
    void agreesWithTheEquivalentRegex() {
        Random r = new Random(7);
        String alphabet = "ab/*";
        for (int i = 0; i < 20_000; i++) {
            String pattern = random(r, alphabet, 6);
            String text = random(r, "ab/", 8);
            String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q");
            boolean expected = Pattern.compile(regex, Pattern.DOTALL).matcher(text).matches();
            assertThat(new Glob(pattern).matches(text)).as("%s ~ %s", pattern, text).isEqualTo(expected);
            int slash = text.indexOf('/');
            if (slash >= 0) {
                assertThat(new Glob(pattern).matches(text.substring(0, slash), text.substring(slash + 1)))
                        .as("%s ~ %s split", pattern, text).isEqualTo(expected);
            }
        }
    }

    private static String random(Random r, String alphabet, int max) {
        int n = r.nextInt(max + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void capturesAreTheStarsTextsAsARegexWouldTakeThem() {
        java.util.regex.Matcher m = new Glob("claude-*-*").captures("claude-3-5-sonnet");
        assertThat(m).isNotNull();
        assertThat(Glob.expand("anthropic:$1/$2 ($0)", m)).isEqualTo("anthropic:3-5/sonnet (claude-3-5-sonnet)");
        assertThat(new Glob("gpt-*").captures("o3")).isNull();
        assertThat(new Glob("a*").specificity()).isGreaterThan(new Glob("*").specificity());
        assertThat(new Glob("ab*").specificity()).isGreaterThan(new Glob("a**").specificity());
    }
}
