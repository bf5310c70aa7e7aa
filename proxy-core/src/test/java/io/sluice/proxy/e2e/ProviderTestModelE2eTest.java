package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin live test checks its {@code ?model=} as a client's request is checked: a Gemini provider takes the model
 * in its URL path, so {@code ?}, {@code /} or {@code #} would inject a query or a path; refused with 400 in the admin
 * API's JSON shape before any upstream call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProviderTestModelE2eTest {

    private final List<TestUpstream.Received> seen = new CopyOnWriteArrayList<>();

    private Reply answer(TestUpstream.Received r) {
        seen.add(r);
        return Reply.json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"hi\"}]},"
                + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":1}}");
    }

    @Test
    void aModelThatWouldChangeTheProvidersUrlIsRefused() throws Exception {
        try (TestUpstream up = new TestUpstream(this::answer);
             SluiceServer s = TestConfig.config().provider("g", "gemini", up, "/v1beta", "gemini-2.0-flash").start()) {
            for (String model : List.of("gemini-2.0-flash%3Falt%3Dx", "..%2F..%2Fv1%2Ffiles", "gemini%23frag",
                    "a%2Fb", "bad%20model")) {
                HttpResponse<String> r = Http.post(s, "/api/monitoring/providers/g/test?model=" + model, "");
                assertThat(r.statusCode()).as(model).isEqualTo(400);
                JsonNode j = json(r.body());
                assertThat(j.path("success").asBoolean(true)).isFalse();
                assertThat(j.path("error").asText()).startsWith("model: ");
            }
            assertThat(seen).isEmpty();
            // A plain model id is tested as before.
            HttpResponse<String> ok = Http.post(s, "/api/monitoring/providers/g/test?model=gemini-2.0-flash", "");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0).uri()).startsWith("/v1beta/models/gemini-2.0-flash:generateContent");
            // The seed's models_count and sample_models beside the live result.
            JsonNode answer = json(ok.body());
            assertThat(answer.path("models_count").asInt()).isPositive();
            assertThat(answer.path("sample_models").size()).isBetween(1, 5);
            assertThat(answer.path("sample_models").get(0).asText()).startsWith("ext-g-");
        }
    }
}
