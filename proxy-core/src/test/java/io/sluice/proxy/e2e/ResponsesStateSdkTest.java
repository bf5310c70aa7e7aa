package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ResponseOutputItem;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The official OpenAI Java SDK's stateful Responses calls through Sluice to providers that keep no state (OpenAI chat
 * completions, Anthropic): {@code previousResponseId} as the Agents SDK and Codex use it, an item reference,
 * {@code retrieve}, {@code inputItems().list} and {@code delete}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponsesStateSdkTest {

    private TestUpstream openAi;
    private TestUpstream anthropic;
    private SluiceServer sluice;
    private OpenAIClient sdk;

    @BeforeEach
    void start() throws InterruptedException {
        openAi = new TestUpstream(r -> OpenAiSdkTest.sse(r.body().contains("sunny") ? OpenAiSdkTest.TEXT_EVENTS
                : OpenAiSdkTest.TOOL_EVENTS));
        anthropic = new TestUpstream(r -> r.body().contains("sunny") ? Reply.json(200,
                TranslationSdkTest.ANTHROPIC_MESSAGE) : Reply.sse(TranslationSdkTest.ANTHROPIC_TOOLS_SSE));
        sluice = config()
                .openAiCompatible("oa", openAi, "gpt-4o-mini")
                .provider("an", "anthropic", anthropic, "/v1", "claude-sonnet-4-5")
                .start();
        sdk = Sdks.openAi(sluice, Sdks.CLIENT_KEY);
    }

    @AfterEach
    void close() {
        sdk.close();
        sluice.close();
        openAi.close();
        anthropic.close();
    }

    private static FunctionTool tool(String name, String param) {
        return FunctionTool.builder().name(name).strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(param, Map.of("type", "string"))))
                        .build())
                .build();
    }

    private static ResponseCreateParams.Builder params(String model) {
        return ResponseCreateParams.builder().model(model).addTool(tool("get_weather", "location"))
                .addTool(tool("get_time", "tz"));
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @CsvSource({"oa/gpt-4o-mini,false", "oa/gpt-4o-mini,true", "an/claude-sonnet-4-5,false",
            "an/claude-sonnet-4-5,true"})
    void previousResponseIdItemReferenceRetrieveListAndDelete(String model, boolean stream) throws Exception {
        TestUpstream up = model.startsWith("oa/") ? openAi : anthropic;
        ResponseCreateParams first = params(model).instructions("You are terse.")
                .input("Weather and time in Paris?").build();
        Response r1;
        if (stream) {
            ResponseAccumulator acc = ResponseAccumulator.create();
            try (var events = sdk.responses().createStreaming(first)) {
                events.stream().forEach(acc::accumulate);
            }
            r1 = acc.response();
        } else {
            r1 = sdk.responses().create(first);
        }
        up.take();
        List<ResponseFunctionToolCall> calls = r1.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).toList();
        assertThat(calls).hasSize(2);

        // The Agents SDK's turn: previous_response_id and only the tool results.
        List<ResponseInputItem> results = new ArrayList<>();
        for (ResponseFunctionToolCall c : calls) {
            results.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                    .callId(c.callId()).output("sunny in " + c.name()).build()));
        }
        Response r2 = sdk.responses().create(params(model).previousResponseId(r1.id()).inputOfResponse(results)
                .build());
        JsonNode sent = json(up.take().body());
        String body = sent.toString();
        assertThat(body).contains("Weather and time in Paris?", calls.get(0).callId(), calls.get(1).callId(),
                "sunny in get_weather", "sunny in get_time");
        // OpenAI does not carry instructions over to a response that continues another one.
        assertThat(body).doesNotContain("You are terse.");
        String answer = r2.output().stream().filter(ResponseOutputItem::isMessage).findFirst().orElseThrow()
                .asMessage().content().get(0).asOutputText().text();

        // An item reference to the answer's message, and a new question.
        String messageId = r2.output().stream().filter(ResponseOutputItem::isMessage).findFirst().orElseThrow()
                .asMessage().id();
        sdk.responses().create(params(model).inputOfResponse(List.of(
                ResponseInputItem.ofItemReference(ResponseInputItem.ItemReference.builder().id(messageId).build()),
                ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                        .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("Thanks!").build())))
                .build());
        String third = up.take().body();
        assertThat(third).contains(answer, "Thanks!").doesNotContain("item_reference");

        Response got = sdk.responses().retrieve(r2.id());
        assertThat(got.id()).isEqualTo(r2.id());
        assertThat(got.output()).isEqualTo(r2.output());
        assertThat(got.previousResponseId()).contains(r1.id());
        assertThat(got.usage()).isEqualTo(r2.usage());

        List<ResponseItem> items = sdk.responses().inputItems().list(r2.id()).data();
        // Newest first: the two results, the first answer's items (text, if any, and the two calls), the question.
        assertThat(items).hasSize(2 + r1.output().size() + 1);
        assertThat(items.get(2).asFunctionCall().id()).isEqualTo(calls.get(1).id());
        assertThat(items.get(0).asFunctionCallOutput().callId()).isEqualTo(calls.get(1).callId());
        assertThat(items.get(items.size() - 1).asResponseInputMessageItem().content().get(0).asInputText().text())
                .isEqualTo("Weather and time in Paris?");

        sdk.responses().delete(r2.id());
        assertThatThrownBy(() -> sdk.responses().retrieve(r2.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> sdk.responses().create(params(model).previousResponseId(r2.id()).input("more")
                .build())).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("Previous response with id '" + r2.id() + "' not found.");
        assertThat(up.requestsWaiting()).isZero();
    }
}
