package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestConfig;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /v1/models} and {@code /v1/models/{id}} in the caller's dialect, with the official SDKs as clients: OpenAI's
 * list and retrieve, Anthropic's paged list and retrieve (the SDK's auto-pager walks {@code after_id}), and the
 * unknown id answered 404 in each caller's error shape; a client key's allow-list limits retrieval as it limits the
 * list.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelListsE2eTest {

    private static final String TEAM = "sk-team-models-0000000000001";
    private static final String MOCK_ONLY = "sk-mockonly-models-000000002";

    private SluiceServer sluice;

    @BeforeEach
    void start() throws Exception {
        sluice = TestConfig.startYaml("server: {host: 0.0.0.0, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\n"
                + "access:\n  clientKeys:\n    team: " + TEAM + "\n"
                + "    mockonly: {key: " + MOCK_ONLY + ", models: [\"mock/*\"]}\n"
                + "providers:\n  mock:\n    mock: {chunkDelay: 0ms}\n  openai:\n    type: openai-compatible\n"
                + "    baseUrl: http://127.0.0.1:9/v1\n    apiKeys: [sk-provider-000000000099]\n"
                + "    models: [gpt-4.1, gpt-4.1-mini, text-embedding-3-small]\n");
    }

    @AfterEach
    void stop() {
        sluice.close();
    }

    private List<String> openAiIds(String key) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : json(Http.get(sluice, "/v1/models", "authorization", "Bearer " + key).body())
                .path("data")) {
            ids.add(m.path("id").asText());
        }
        return ids;
    }

    @Test
    void openAiSdkRetrievesOneModelIncludingIdsWithSlashes() throws Exception {
        OpenAIClient client = Sdks.openAi(sluice, TEAM);
        try {
            Model m = client.models().retrieve("gpt-4.1");
            assertThat(m.id()).isEqualTo("gpt-4.1");
            assertThat(m.ownedBy()).isEqualTo("openai");
            assertThat(m._object_().toString()).contains("model");
            // A provider-prefixed id routes, so it is found, with its slash in the path.
            assertThat(client.models().retrieve("openai/gpt-4.1").id()).isEqualTo("openai/gpt-4.1");
            assertThatThrownBy(() -> client.models().retrieve("gpt-9-nope"))
                    .isInstanceOfSatisfying(NotFoundException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(e.body().toString()).contains("model_not_found");
                    });
        } finally {
            client.close();
        }
        HttpResponse<String> raw = Http.get(sluice, "/v1/models/openai/gpt-4.1", "authorization", "Bearer " + TEAM);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(json(raw.body()).path("object").asText()).isEqualTo("model");
        assertThat(json(raw.body()).path("owned_by").asText()).isEqualTo("openai");
        HttpResponse<String> post = Http.post(sluice, "/v1/models/gpt-4.1", "{}", "authorization", "Bearer " + TEAM);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void anthropicSdkListsEveryModelAcrossPagesAndRetrievesOne() throws Exception {
        List<String> expected = openAiIds(TEAM);
        assertThat(expected).hasSizeGreaterThan(3);
        AnthropicClient client = Sdks.anthropic(sluice, TEAM);
        try {
            List<String> seen = new ArrayList<>();
            // Pages of 2: the SDK follows has_more / last_id through after_id until the end.
            for (ModelInfo m : client.models().list(ModelListParams.builder().limit(2L).build()).autoPager()) {
                seen.add(m.id());
                assertThat(m.displayName()).isEqualTo(m.id());
                assertThat(m.createdAt()).isEqualTo(OffsetDateTime.parse("1970-01-01T00:00:00Z"));
            }
            assertThat(seen).isEqualTo(expected);
            var first = client.models().list();
            assertThat(first.data()).extracting(ModelInfo::id).isEqualTo(expected.subList(0,
                    Math.min(20, expected.size())));
            ModelInfo one = client.models().retrieve("openai/gpt-4.1-mini");
            assertThat(one.id()).isEqualTo("openai/gpt-4.1-mini");
            assertThat(one.displayName()).isEqualTo("openai/gpt-4.1-mini");
            assertThatThrownBy(() -> client.models().retrieve("claude-nope"))
                    .isInstanceOfSatisfying(com.anthropic.errors.NotFoundException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(404));
        } finally {
            client.close();
        }
        HttpResponse<String> missing = Http.get(sluice, "/v1/models/claude-nope", "x-api-key", TEAM,
                "anthropic-version", "2023-06-01");
        JsonNode err = json(missing.body());
        assertThat(err.path("type").asText()).isEqualTo("error");
        assertThat(err.path("error").path("type").asText()).isEqualTo("not_found_error");
    }

    @Test
    void anthropicPagingParametersAndBadValues() throws Exception {
        List<String> ids = openAiIds(TEAM);
        String[] h = {"x-api-key", TEAM, "anthropic-version", "2023-06-01"};
        JsonNode page = json(Http.get(sluice, "/v1/models?limit=2&after_id=" + ids.get(0), h).body());
        assertThat(page.path("data").get(0).path("id").asText()).isEqualTo(ids.get(1));
        assertThat(page.path("first_id").asText()).isEqualTo(ids.get(1));
        assertThat(page.path("last_id").asText()).isEqualTo(ids.get(2));
        assertThat(page.path("has_more").asBoolean()).isEqualTo(ids.size() > 3);
        JsonNode before = json(Http.get(sluice, "/v1/models?limit=1&before_id=" + ids.get(2), h).body());
        assertThat(before.path("data").get(0).path("id").asText()).isEqualTo(ids.get(1));
        assertThat(before.path("has_more").asBoolean()).isTrue();
        HttpResponse<String> bad = Http.get(sluice, "/v1/models?limit=0", h);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(bad.body()).path("error").path("message").asText()).contains("limit");
        HttpResponse<String> unknown = Http.get(sluice, "/v1/models?after_id=nope", h);
        assertThat(unknown.statusCode()).isEqualTo(400);
        // Without a key: refused in Anthropic's shape, as the SDK expects.
        HttpResponse<String> noKey = Http.get(sluice, "/v1/models", "anthropic-version", "2023-06-01");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void anAllowListLimitsRetrievalAsItLimitsTheList() throws Exception {
        List<String> ids = openAiIds(MOCK_ONLY);
        assertThat(ids).isNotEmpty().allMatch(id -> id.startsWith("mock/"));
        HttpResponse<String> hidden = Http.get(sluice, "/v1/models/gpt-4.1", "authorization", "Bearer " + MOCK_ONLY);
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(json(hidden.body()).path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(Http.get(sluice, "/v1/models/" + ids.get(0), "authorization", "Bearer " + MOCK_ONLY)
                .statusCode()).isEqualTo(200);
        JsonNode anthropic = json(Http.get(sluice, "/v1/models", "x-api-key", MOCK_ONLY, "anthropic-version",
                "2023-06-01").body());
        assertThat(anthropic.path("data")).allMatch(m -> m.path("id").asText().startsWith("mock/"));
    }
}
