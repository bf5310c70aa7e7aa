package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 1: a 5 KB tool schema whose {@code $ref}s fan out (each of 40 levels referencing the one below
 * three times) sent to a Gemini-dialect provider used to expand on the event loop until the process died. Now its
 * translation stops at the schema cleaner's node budget: 400 {@code request_too_complex} naming the limit, in the
 * client's dialect, nothing sent upstream, and the server keeps answering.
 */
class WorkBudgetE2eTest {

    private TestUpstream gemini;
    private TestUpstream openai;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws InterruptedException {
        gemini = new TestUpstream(r -> Reply.json(200, "{}"));
        openai = new TestUpstream(r -> Reply.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":"
                + "\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}"));
        sluice = config().provider("gm", "gemini", gemini, "/v1beta", "gemini-2.5-flash")
                .provider("oa", "openai", openai, "/v1", "gpt-4o").start();
    }

    @AfterEach
    void close() {
        sluice.close();
        gemini.close();
        openai.close();
    }

    /** An OpenAI chat request of about {@code n} JSON tokens: {@code n / 6} one-word messages. */
    static String manyMessages(String model, int n) {
        StringBuilder b = new StringBuilder("{\"model\":\"" + model + "\",\"messages\":[");
        for (int i = 0; i < n / 6; i++) {
            b.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"hi\"}");
        }
        return b.append("]}").toString();
    }

    @Test
    void translationOverTheTokenBudgetIs400NamingItWhilePassthroughIsNotBound() throws Exception {
        String over = manyMessages("gm/gemini-2.5-flash", 210_000);

        HttpResponse<String> res = Http.chat(sluice, over);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        JsonNode error = json(res.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("request_too_complex");
        assertThat(error.path("message").asText()).contains("more than 200000 JSON tokens");
        assertThat(gemini.requestsWaiting()).as("nothing went upstream").isZero();

        // The same request to a provider of the client's dialect is only scanned as it arrives: no budget.
        HttpResponse<String> passthrough = Http.chat(sluice, manyMessages("oa/gpt-4o", 210_000));
        assertThat(passthrough.statusCode()).as(passthrough.body()).isEqualTo(200);
    }

    @Test
    void countTokensEstimateHasTheSameBudget() throws Exception {
        StringBuilder b = new StringBuilder("{\"model\":\"gm/gemini-2.5-flash\",\"messages\":[");
        for (int i = 0; i < 40_000; i++) {
            b.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"hi\"}");
        }
        HttpResponse<String> res = Http.post(sluice, "/v1/messages/count_tokens", b.append("]}").toString(),
                "anthropic-version", "2023-06-01");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(json(res.body()).path("type").asText()).isEqualTo("error");
        assertThat(json(res.body()).path("error").path("message").asText()).contains("200000 JSON tokens");
    }

    /** The hostile schema: 40 levels, three references to the next level each. */
    static String fanOutSchema() {
        StringBuilder defs = new StringBuilder("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/d0\"}},"
                + "\"$defs\":{");
        for (int i = 0; i < 40; i++) {
            String next = i == 39 ? "{\"type\":\"string\"}" : "{\"$ref\":\"#/$defs/d" + (i + 1) + "\"}";
            defs.append(i == 0 ? "" : ",").append("\"d").append(i).append("\":{\"type\":\"object\",\"properties\":{")
                    .append("\"x\":").append(next).append(",\"y\":").append(next).append(",\"z\":").append(next)
                    .append("}}");
        }
        return defs.append("}}").toString();
    }

    @Test
    void openAiClientGets400NamingTheLimitAndTheTool() throws Exception {
        String body = "{\"model\":\"gm/gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"deep\",\"parameters\":"
                + fanOutSchema() + "}}]}";
        assertThat(body.length()).isLessThan(6_000);

        HttpResponse<String> res = Http.chat(sluice, body);

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode error = json(res.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("request_too_complex");
        assertThat(error.path("param").asText()).isEqualTo("tools[0]");
        assertThat(error.path("message").asText()).contains("tool deep").contains("limit: 10000");
        assertThat(gemini.requestsWaiting()).as("nothing went upstream").isZero();
        assertThat(Http.get(sluice, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void anthropicClientGets400InItsOwnShape() throws Exception {
        String body = "{\"model\":\"gm/gemini-2.5-flash\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"tools\":[{\"name\":\"deep\",\"input_schema\":" + fanOutSchema() + "}]}";

        HttpResponse<String> res = Http.post(sluice, "/v1/messages", body, "anthropic-version", "2023-06-01");

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode root = json(res.body());
        assertThat(root.path("type").asText()).isEqualTo("error");
        assertThat(root.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(root.path("error").path("message").asText()).contains("more than 10000 nodes");
        assertThat(gemini.requestsWaiting()).isZero();
    }
}
