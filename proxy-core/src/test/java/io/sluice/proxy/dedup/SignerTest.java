package io.sluice.proxy.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What is one request to dedup and what is not: {@link Signer} over the parts Dedup passes and the body. */
class SignerTest {

    /** What Dedup skips with the default config. */
    private static final Set<String> SKIP = Set.of("user", "metadata", "safety_identifier", "prompt_cache_key",
            "stream");
    private static final String BODY = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"temperature\":0.2,\"stream\":true}";

    private static Signature sign(String body, String... parts) throws IOException {
        ByteBuf b = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        return Signer.sign(b, SKIP, parts);
    }

    private static Signature sign(String body) throws IOException {
        return sign(body, "team-a", "/v1/chat/completions", "/v1/chat/completions", "up", "gpt", "gpt", "stream",
                null, null);
    }

    @Test
    void reorderedKeysWhitespaceAndNumberSpellingAreOneRequest() throws IOException {
        Signature s = sign(BODY);
        assertThat(sign("{ \"stream\" : true, \"temperature\": 2e-1,\n \"messages\": [ { \"content\": \"hi\","
                + " \"role\": \"user\" } ], \"model\": \"gpt\" }")).isEqualTo(s);
        assertThat(s.hex()).hasSize(32);
    }

    @Test
    void fieldsThatDoNotChangeTheAnswerAreLeftOut() throws IOException {
        Signature s = sign(BODY);
        assertThat(sign("{\"user\":\"end-user-7\",\"model\":\"gpt\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":{\"user_id\":\"u9\"},"
                + "\"temperature\":0.2,\"prompt_cache_key\":\"k\","
                + "\"safety_identifier\":\"s\",\"stream\":true}")).isEqualTo(s);
        // stream is signed as the route reads it (a part), so false and absent are one request.
        assertThat(sign(BODY.replace(",\"stream\":true", ""))).isEqualTo(s);
    }

    @Test
    void whoWhereWhatAndHowAreAllPartOfIt() throws IOException {
        Signature s = sign(BODY);
        assertThat(sign(BODY, "team-b", "/v1/chat/completions", "/v1/chat/completions", "up", "gpt", "gpt", "stream",
                null, null)).as("another client key").isNotEqualTo(s);
        assertThat(sign(BODY, null, "/v1/chat/completions", "/v1/chat/completions", "up", "gpt", "gpt", "stream",
                null, null)).as("anonymous").isNotEqualTo(s);
        assertThat(sign(BODY, "team-a", "/v1/responses", "/v1/responses", "up", "gpt", "gpt", "stream", null, null))
                .as("another route (dialect)").isNotEqualTo(s);
        assertThat(sign(BODY, "team-a", "/v1/chat/completions", "/v1/providers/other/chat/completions", "up", "gpt",
                "gpt", "stream", null, null)).as("another path").isNotEqualTo(s);
        assertThat(sign(BODY, "team-a", "/v1/chat/completions", "/v1/chat/completions", "other", "gpt", "gpt",
                "stream", null, null)).as("another provider").isNotEqualTo(s);
        assertThat(sign(BODY, "team-a", "/v1/chat/completions", "/v1/chat/completions", "up", "gpt-2", "gpt",
                "stream", null, null)).as("another upstream model").isNotEqualTo(s);
        assertThat(sign(BODY, "team-a", "/v1/chat/completions", "/v1/chat/completions", "up", "gpt", "gpt",
                "whole", null, null)).as("not streamed").isNotEqualTo(s);
        assertThat(sign(BODY, "team-a", "/v1/chat/completions", "/v1/chat/completions", "up", "gpt", "gpt",
                "stream", "2023-06-01", null)).as("an anthropic-version").isNotEqualTo(s);
        assertThat(sign(BODY.replace("\"gpt\"", "\"gpt-4o\""))).as("another model in the body").isNotEqualTo(s);
        assertThat(sign(BODY.replace("hi", "hi!"))).as("another prompt").isNotEqualTo(s);
        assertThat(sign(BODY.replace("0.2", "0.3"))).as("another temperature").isNotEqualTo(s);
        // Parts cannot run into one another.
        assertThat(sign(BODY, "ab", "c")).isNotEqualTo(sign(BODY, "a", "bc"));
        assertThat(sign(BODY, "a", null)).isNotEqualTo(sign(BODY, "a", ""));
    }

    @Test
    void aBodyThatIsNotOneJsonDocumentCannotBeSigned() {
        assertThatThrownBy(() -> sign("{\"model\":")).isInstanceOf(IOException.class);
    }
}
