package io.sluice.codec.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.sluice.codec.dialect.anthropic.AnthropicDialect;
import io.sluice.codec.dialect.gemini.GeminiDialect;
import io.sluice.codec.dialect.openai.OpenAiDialect;
import io.sluice.codec.dialect.responses.ResponsesDialect;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Role;
import io.sluice.codec.hub.SystemTurns;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A system turn in the middle of a conversation (Claude Code's {@code mid-conversation-system} beta, OpenAI chat's
 * system messages anywhere) read by every reader and written in each dialect's best form. Bodies are fed in chunks of
 * 1 byte, 7 bytes and whole.
 */
class MidConversationSystemTest {

    private static final String ANTHROPIC = """
            {"model":"claude-sonnet-4-5","max_tokens":1024,"system":"You are terse.","messages":[
             {"role":"user","content":"List the files."},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"ls","input":{}}]},
             {"role":"system","content":[{"type":"text","text":"The user switched to plan mode."}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"},
               {"type":"text","text":"Now what?"}]},
             {"role":"assistant","content":"Read a.txt."},
             {"role":"system","content":"Budget: 3 turns left."},
             {"role":"user","content":"Go on."}]}""";

    private static final String OPENAI = """
            {"model":"gpt-4.1","messages":[
             {"role":"system","content":"You are terse."},
             {"role":"user","content":"Hi"},
             {"role":"assistant","content":"Hello."},
             {"role":"developer","content":"Answer in French from now on."},
             {"role":"assistant","content":"D'accord."},
             {"role":"user","content":"Bye"}]}""";

    static HubRequest read(Dialect dialect, String json, int chunk) throws RequestException {
        CompositeByteBuf body = ByteBufAllocator.DEFAULT.compositeBuffer(Integer.MAX_VALUE);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        for (ByteBuf b : PooledChunks.split(bytes, chunk <= 0 ? bytes.length : chunk, PooledChunks.Memory.MIXED)) {
            body.addComponent(true, b);
        }
        try {
            return dialect.readRequest(body);
        } finally {
            body.release();
        }
    }

    static String write(Dialect dialect, HubRequest req) {
        ByteBuf b = dialect.writeRequest(req, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void anthropicReadsASystemTurnWhereItStands(int chunk) throws RequestException {
        HubRequest req = read(AnthropicDialect.INSTANCE, ANTHROPIC, chunk);

        assertThat(req.messages).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT,
                Role.SYSTEM, Role.TOOL, Role.USER, Role.ASSISTANT, Role.SYSTEM, Role.USER);
        assertThat(req.messages.get(3).joinedText()).isEqualTo("The user switched to plan mode.");
        assertThat(req.messages.get(7).joinedText()).isEqualTo("Budget: 3 turns left.");
        assertThat(SystemTurns.leadingText(req.messages)).isEqualTo("You are terse.");
        assertThat(req.dropped()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void openAiChatGetsSystemMessagesInPlaceAfterTheToolResults(int chunk) throws RequestException {
        String body = write(OpenAiDialect.INSTANCE, read(AnthropicDialect.INSTANCE, ANTHROPIC, chunk));

        assertThat(body).contains("\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                + "{\"role\":\"user\",\"content\":\"List the files.\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[");
        // OpenAI wants the tool result right after the call: the system turn moves behind it.
        assertThat(body).containsSubsequence("\"role\":\"tool\"", "\"tool_call_id\":\"toolu_1\"",
                "{\"role\":\"system\",\"content\":\"The user switched to plan mode.\"}",
                "{\"role\":\"user\",\"content\":\"Now what?\"}",
                "{\"role\":\"assistant\",\"content\":\"Read a.txt.\"}",
                "{\"role\":\"system\",\"content\":\"Budget: 3 turns left.\"}",
                "{\"role\":\"user\",\"content\":\"Go on.\"}");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void responsesGetsInstructionsAndSystemItems(int chunk) throws RequestException {
        String body = write(ResponsesDialect.INSTANCE, read(AnthropicDialect.INSTANCE, ANTHROPIC, chunk));

        assertThat(body).contains("\"instructions\":\"You are terse.\"");
        assertThat(body).containsSubsequence("\"type\":\"function_call\"", "\"type\":\"function_call_output\"",
                "{\"type\":\"message\",\"role\":\"system\",\"content\":[{\"type\":\"input_text\","
                        + "\"text\":\"The user switched to plan mode.\"}]}",
                "\"text\":\"Now what?\"", "\"text\":\"Read a.txt.\"",
                "{\"type\":\"message\",\"role\":\"system\",\"content\":[{\"type\":\"input_text\","
                        + "\"text\":\"Budget: 3 turns left.\"}]}",
                "\"text\":\"Go on.\"");
        assertThat(body).doesNotContain("plan mode.\\n\\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void geminiFoldsALaterSystemTurnIntoAUserTurnAsANote(int chunk) throws RequestException {
        String body = write(GeminiDialect.INSTANCE, read(AnthropicDialect.INSTANCE, ANTHROPIC, chunk));

        assertThat(body).contains("\"systemInstruction\":{\"parts\":[{\"text\":\"You are terse.\"}]}");
        assertThat(body).doesNotContain("\"systemInstruction\":{\"parts\":[{\"text\":\"You are terse.\"},");
        // The note joins the user turn after it; turns still alternate.
        assertThat(body).contains("{\"role\":\"user\",\"parts\":[{\"text\":\"<system>\\nThe user switched to plan mode."
                + "\\n</system>\"},{\"text\":\"Now what?\"}]}");
        assertThat(body).contains("{\"role\":\"model\",\"parts\":[{\"text\":\"Read a.txt.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"text\":\"<system>\\nBudget: 3 turns left.\\n</system>\"},"
                + "{\"text\":\"Go on.\"}]}]");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void anthropicKeepsTheSystemPromptAndFoldsLaterTurnsIntoUserTurns(int chunk) throws RequestException {
        String body = write(AnthropicDialect.INSTANCE, read(OpenAiDialect.INSTANCE, OPENAI, chunk));

        assertThat(body).contains("\"system\":[{\"type\":\"text\",\"text\":\"You are terse.\"}]");
        assertThat(body).doesNotContain("French\"}],\"messages\"");
        // Between two assistant messages the note makes a user turn of its own.
        assertThat(body).contains("{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Hello.\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"<system>\\nAnswer in French from now on.\\n</system>\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"D'accord.\"}]}");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void anthropicPutsANoteAfterTheToolResultsOfItsUserTurn(int chunk) throws RequestException {
        HubRequest req = read(AnthropicDialect.INSTANCE, ANTHROPIC, chunk);
        String body = write(AnthropicDialect.INSTANCE, req);

        assertThat(body).contains("\"system\":[{\"type\":\"text\",\"text\":\"You are terse.\"}]");
        assertThat(body)
                .contains("{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\"");
        assertThat(body).containsSubsequence("\"tool_use_id\":\"toolu_1\"",
                "{\"type\":\"text\",\"text\":\"<system>\\nThe user switched to plan mode.\\n</system>\"},"
                        + "{\"type\":\"text\",\"text\":\"Now what?\"}]}");
        assertThat(body).doesNotContain("\"role\":\"system\"");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void geminiMergesANoteBetweenAssistantTurnsIntoItsOwnUserTurn(int chunk) throws RequestException {
        String body = write(GeminiDialect.INSTANCE, read(OpenAiDialect.INSTANCE, OPENAI, chunk));

        assertThat(body).contains("{\"role\":\"model\",\"parts\":[{\"text\":\"Hello.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"text\":\"<system>\\nAnswer in French from now on.\\n</system>\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"D'accord.\"}]}");
        assertThat(body).contains("\"systemInstruction\":{\"parts\":[{\"text\":\"You are terse.\"}]}");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void aLeadingSystemTurnInMessagesIsTheSystemPrompt(int chunk) throws RequestException {
        String json = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"}],\"system\":\"Top.\"}";
        HubRequest req = read(AnthropicDialect.INSTANCE, json, chunk);

        assertThat(SystemTurns.leadingText(req.messages)).isEqualTo("Top.\n\nBe brief.");
        assertThat(write(GeminiDialect.INSTANCE, req))
                .contains("\"systemInstruction\":{\"parts\":[{\"text\":\"Top.\"},{\"text\":\"Be brief.\"}]}");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 0})
    void responsesReadsSystemItemsInPlace(int chunk) throws RequestException {
        String json = "{\"model\":\"gpt-5\",\"instructions\":\"Top.\",\"input\":["
                + "{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"developer\",\"content\":\"Be formal.\"},{\"role\":\"user\",\"content\":\"Yo\"}]}";
        HubRequest req = read(ResponsesDialect.INSTANCE, json, chunk);

        List<Role> roles = req.messages.stream().map(Message::role).toList();
        assertThat(roles).containsExactly(Role.SYSTEM, Role.USER, Role.SYSTEM, Role.USER);
        assertThat(write(AnthropicDialect.INSTANCE, req))
                .contains("\"system\":[{\"type\":\"text\",\"text\":\"Top.\"}]")
                .contains("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"},{\"type\":\"text\","
                        + "\"text\":\"<system>\\nBe formal.\\n</system>\"},{\"type\":\"text\",\"text\":\"Yo\"}]}");
    }
}
