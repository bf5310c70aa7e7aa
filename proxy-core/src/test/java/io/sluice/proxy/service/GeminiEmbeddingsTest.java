package io.sluice.proxy.service;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.testing.Chunks;
import io.sluice.proxy.testing.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@link GeminiEmbeddings}: the OpenAI request it writes (with the model's offsets for the splice), and the answer
 * sink fed the provider's body 1 byte, 7 bytes and whole; errors pass through and a held body is released when the
 * client leaves (the leak detector would say otherwise).
 */
class GeminiEmbeddingsTest {

    static final String OPENAI = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":1,"
            + "\"embedding\":[0.5,-1.25e-3]},{\"object\":\"embedding\",\"index\":0,\"embedding\":[1,2]}],"
            + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void requestCarriesTheModelAtItsOffsets() throws Exception {
        ByteBuf in = utf8("{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"é\"}]}},"
                + "{\"content\":{\"parts\":[{\"text\":\"b\"},{\"text\":\"c\"}]}}]}");
        GeminiEmbeddings.Request r = GeminiEmbeddings.request(in, true, "up/ëmb\"x", ByteBufAllocator.DEFAULT);
        in.release();
        try {
            String body = r.body().toString(StandardCharsets.UTF_8);
            JsonNode sent = json(body);
            assertThat(sent.path("input")).extracting(JsonNode::asText).containsExactly("é", "b\nc");
            assertThat(sent.has("dimensions")).isFalse();
            assertThat(r.count()).isEqualTo(2);
            byte[] bytes = new byte[r.modelEnd() - r.modelStart()];
            r.body().getBytes(r.modelStart(), bytes);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("\"up/ëmb\\\"x\"");
        } finally {
            r.body().release();
        }
        ByteBuf mixed = utf8("{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"outputDimensionality\":8},"
                + "{\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}");
        try {
            assertThatThrownBy(() -> GeminiEmbeddings.request(mixed, true, "m", ByteBufAllocator.DEFAULT))
                    .hasMessageContaining("outputDimensionality differs");
        } finally {
            mixed.release();
        }
    }

    private static HttpResponse ok() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-type", "application/json").set("content-length", OPENAI.length())
                .set("x-request-id", "req_1");
        return head;
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void answersInGeminisShapeInIndexOrder(int size) {
        RecordingSink out = new RecordingSink();
        GeminiEmbeddings.Answer batch = GeminiEmbeddings.answer(out, true);
        batch.head(ok());
        assertThat(out.head).isNull();
        assertThat(batch.headSent()).isTrue();
        List<ByteBuf> parts = Chunks.split(OPENAI, size);
        for (int i = 0; i < parts.size() - 1; i++) {
            batch.content(parts.get(i));
            batch.flush();
        }
        batch.end(parts.get(parts.size() - 1));
        assertThat(out.head.status().code()).isEqualTo(200);
        assertThat(out.head.headers().get("x-request-id")).isEqualTo("req_1");
        assertThat(out.head.headers().getInt("content-length")).isEqualTo(out.body.toString()
                .getBytes(StandardCharsets.UTF_8).length);
        assertThat(out.body.toString()).isEqualTo("{\"embeddings\":[{\"values\":[1,2]},{\"values\":[0.5,-1.25e-3]}]}");

        RecordingSink one = new RecordingSink();
        GeminiEmbeddings.Answer single = GeminiEmbeddings.answer(one, false);
        single.head(ok());
        single.end(utf8(OPENAI));
        assertThat(one.body.toString()).isEqualTo("{\"embedding\":{\"values\":[1,2]}}");
    }

    @Test
    void errorsPassAndHeldBodiesAreReleased() {
        RecordingSink out = new RecordingSink();
        GeminiEmbeddings.Answer a = GeminiEmbeddings.answer(out, true);
        a.failRetryAfter(HttpResponseStatus.TOO_MANY_REQUESTS, "slow down", "rate_limited", 3);
        assertThat(out.failStatus.code()).isEqualTo(429);
        assertThat(out.retryAfterSeconds).isEqualTo(3);

        RecordingSink left = new RecordingSink();
        GeminiEmbeddings.Answer b = GeminiEmbeddings.answer(left, true);
        b.head(ok());
        b.content(utf8(OPENAI.substring(0, 20)));
        b.release(); // the client left mid-body
        assertThat(left.head).isNull();

        RecordingSink junk = new RecordingSink();
        GeminiEmbeddings.Answer c = GeminiEmbeddings.answer(junk, false);
        c.head(ok());
        c.end(utf8("{\"data\":[{\"index\":0}]}"));
        assertThat(junk.failStatus.code()).isEqualTo(502);
        assertThat(junk.failCode).isEqualTo("bad_upstream_response");
    }
}
