package io.sluice.codec.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.dialect.gemini.GeminiDialect;
import io.sluice.codec.dialect.openai.OpenAiDialect;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Role;
import io.sluice.codec.hub.TokenEstimate;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The input figure of a translated stream's {@code message_start}, whatever the chunking of the provider's stream. */
class MessageStartUsageTest {

    private static final String OPENAI = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
            + "\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":2,\"total_tokens\":33}}\n\n"
            + "data: [DONE]\n\n";

    private static final String GEMINI = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
            + "[{\"text\":\"Hi\"}]},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":1200,"
            + "\"candidatesTokenCount\":1,\"totalTokenCount\":1201,\"cachedContentTokenCount\":1000},"
            + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}\r\n\r\n"
            + "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\" there\"}]},"
            + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":1200,"
            + "\"candidatesTokenCount\":4,\"totalTokenCount\":1204,\"cachedContentTokenCount\":1000},"
            + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}\r\n\r\n";

    private static HubRequest request() {
        HubRequest r = new HubRequest();
        r.model = "claude-sonnet-4-5";
        r.stream = true;
        r.messages.add(Message.text(Role.SYSTEM, "You are terse."));
        r.messages.add(Message.text(Role.USER, "x".repeat(400)));
        return r;
    }

    private static String translate(Dialect provider, String input, int chunk) {
        StreamEncoder encoder = AnthropicDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, request());
        StreamDecoder decoder = provider.streamDecoder(encoder);
        StringBuilder out = new StringBuilder();
        try {
            byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
            for (ByteBuf b : PooledChunks.split(bytes, chunk <= 0 ? bytes.length : chunk,
                    PooledChunks.Memory.MIXED)) {
                try {
                    decoder.feed(b);
                } finally {
                    b.release();
                }
                drain(encoder, out);
            }
            decoder.end();
            drain(encoder, out);
        } finally {
            decoder.release();
            encoder.release();
        }
        return out.toString();
    }

    private static void drain(StreamEncoder encoder, StringBuilder out) {
        ByteBuf b = encoder.take();
        if (b != null) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void withoutAFigureFromTheProviderMessageStartCarriesTheEstimate(int chunk) {
        String out = translate(OpenAiDialect.INSTANCE, OPENAI, chunk);

        long estimate = TokenEstimate.of(request());
        assertThat(estimate).isEqualTo(2 * TokenEstimate.PER_MESSAGE + (14 + 400 + 3) / 4);
        assertThat(out).startsWith("event: message_start\n");
        assertThat(out).contains("\"usage\":{\"input_tokens\":" + estimate + ",\"output_tokens\":0}}}");
        // The provider's real figures come at the end.
        assertThat(out).contains("\"usage\":{\"input_tokens\":31,\"output_tokens\":2}}");
        assertThat(out.indexOf("message_start")).isLessThan(out.indexOf("content_block_start"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void aFigureReportedWithTheStartIsTheProviders(int chunk) {
        String out = translate(GeminiDialect.INSTANCE, GEMINI, chunk);

        assertThat(out).contains("\"usage\":{\"input_tokens\":200,\"cache_read_input_tokens\":1000,"
                + "\"output_tokens\":0}}}");
        assertThat(out).contains("\"usage\":{\"input_tokens\":200,\"cache_read_input_tokens\":1000,"
                + "\"output_tokens\":4}}");
        assertThat(out.indexOf("message_start")).isLessThan(out.indexOf("content_block_start"));
    }
}
