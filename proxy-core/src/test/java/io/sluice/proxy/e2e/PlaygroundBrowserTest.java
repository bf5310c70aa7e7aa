package io.sluice.proxy.e2e;

import static io.sluice.proxy.e2e.CdpClient.params;
import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The playground at {@code /ui} in a real headless Chromium, driven over the DevTools protocol: the model picker from
 * {@code /v1/models}, a streamed answer growing before it ends with its usage line, Stop keeping the partial answer
 * (and the upstream connection closed), a multi-turn conversation with the system prompt and parameters as the
 * upstream received them, markdown rendered as elements with a script payload shown as text and never run, an API
 * error in the conversation, and the client-key flow (401, the key asked for, then a working chat).
 *
 * <p>Without {@code /usr/bin/chromium} this is skipped on a developer machine and fails in CI ({@code CI} set).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlaygroundBrowserTest {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CLIENT_KEY = "sk-ui-client-key-0123456789";
    private static final String LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
            + "tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
            + "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in "
            + "voluptate velit esse cillum dolore eu fugiat nulla pariatur.";

    /** What the scripted model answers to "markdown": most of what the renderer knows, and two script payloads. */
    static final String MARKDOWN = String.join("\n",
            "## Title",
            "",
            "Some **bold**, *italic*, ~~gone~~ and `inline <b>code</b>` text, a [docs link](https://example.com/docs)"
                    + " and a bare https://example.org/path.",
            "A [bad link](javascript:alert(1)) and ![pic](https://example.com/x.png) stay harmless.",
            "",
            "<script>window.__pwned = 1</script>",
            "<img src=x onerror=\"window.__pwned = 2\">",
            "",
            "- first item",
            "- second with **strength**",
            "  - nested one",
            "",
            "1. one",
            "2. two",
            "",
            "> quoted words",
            "",
            "| name | value |",
            "|------|------:|",
            "| a | 1 |",
            "| b | 2 |",
            "",
            "```python",
            "def hello():",
            "    return \"<script>alert(1)</script>\"",
            "```",
            "",
            "snake_case_name stays as it is.");

    @BeforeEach
    void needsChromium() {
        if (!Chromium.installed()) {
            if (System.getenv("CI") != null) {
                fail(Chromium.BINARY + " is missing; .ci/run installs it (apt-get install chromium)");
            }
            Assumptions.assumeTrue(false, Chromium.BINARY + " is missing: browser test skipped");
        }
    }

    private static SluiceServer start(String access, String providers) throws InterruptedException {
        return TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\naccess: " + access + "\nproviders:\n" + providers);
    }

    private static String openAiCompatible(TestUpstream up, List<String> models) {
        return "  p:\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n"
                + "    apiKeys: [sk-upstream-ui-0001]\n    models: [" + String.join(", ", models) + "]\n";
    }

    /** The id {@code /v1/models} lists for {@code model} of provider {@code owner}. */
    private static String modelId(SluiceServer s, String owner, String model) throws Exception {
        for (JsonNode m : json(Http.get(s, "/v1/models").body()).path("data")) {
            String id = m.path("id").asText();
            if (m.path("owned_by").asText().equals(owner) && (id.equals(model) || id.endsWith("/" + model)
                    || id.endsWith("-" + model))) {
                return id;
            }
        }
        throw new AssertionError("no model " + model + " of " + owner + " in /v1/models");
    }

    // ---- page helpers ----

    private static Chromium.Page open(Chromium browser, SluiceServer s) {
        Chromium.Page page = browser.page();
        page.viewport(WIDTH, HEIGHT);
        page.navigate(Http.base(s) + "/ui");
        return page;
    }

    private static void awaitModels(Chromium.Page page) throws InterruptedException {
        page.await("the model list", WAIT, "document.getElementById('model')?.dataset.loaded === 'true'");
    }

    /** Types {@code text} into the element with {@code id} as a user would (it replaces what was there). */
    private static void type(Chromium.Page page, String id, String text) {
        page.eval("(() => { const i = document.getElementById('" + id + "'); i.value = ''; i.focus(); })()");
        page.send("Input.insertText", params().put("text", text));
    }

    private static void click(Chromium.Page page, String id) {
        page.eval("document.getElementById('" + id + "').click()");
    }

    private static void pick(Chromium.Page page, String model) {
        assertThat(page.eval("(() => { const s = document.getElementById('model'); s.value = " + quote(model)
                + "; s.dispatchEvent(new Event('change')); return s.value; })()").asText()).isEqualTo(model);
    }

    private static void say(Chromium.Page page, String text) {
        type(page, "prompt", text);
        click(page, "send");
    }

    private static final String LAST = "[...document.querySelectorAll('.msg.assistant')].pop()";

    private static String answerState(Chromium.Page page) {
        return page.text("(" + LAST + "?.dataset.state || '')");
    }

    private static int answerChars(Chromium.Page page) {
        return page.eval("Number(" + LAST + "?.dataset.chars || 0)").asInt();
    }

    private static String answerText(Chromium.Page page) {
        return page.text(LAST + ".querySelector('.body').textContent");
    }

    private static JsonNode usage(Chromium.Page page) {
        return page.eval("(() => { const u = " + LAST + ".querySelector('.usage'); return {text: u.textContent, "
                + "prompt: u.dataset.promptTokens, completion: u.dataset.completionTokens, "
                + "total: u.dataset.totalTokens, ttft: u.dataset.ttftMs, ms: u.dataset.totalMs}; })()");
    }

    private static void awaitState(Chromium.Page page, String state) throws InterruptedException {
        page.await("the answer to be " + state, WAIT, LAST + "?.dataset.state === '" + state + "'");
    }

    private static int count(Chromium.Page page, String selector) {
        return page.eval("document.querySelectorAll(" + quote(selector) + ").length").asInt();
    }

    /** Saves the viewport as PNG and checks it is the window's size and not blank (text, code, the answers). */
    private static void screenshot(Chromium.Page page, Path file) throws Exception {
        byte[] png = page.screenshot();
        Files.createDirectories(file.getParent());
        Files.write(file, png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as("PNG decodes").isNotNull();
        assertThat(img.getWidth()).isEqualTo(WIDTH);
        assertThat(img.getHeight()).isEqualTo(HEIGHT);
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                colors.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertThat(colors.size()).as("distinct colours in " + file).isGreaterThan(20);
    }

    private static String quote(String s) {
        return Bodies.quote(s);
    }

    // ---- the tests ----

    @Test
    void streamsFromTheMockStopsContinuesAndClears() throws Exception {
        List<String> many = IntStream.range(0, 120).mapToObj(i -> String.format(java.util.Locale.ROOT, "m%03d", i))
                .collect(Collectors.toList());
        try (TestUpstream up = new TestUpstream(r -> Reply.json(500, "{}"));
             SluiceServer s = start("{requireClientKey: false}",
                     "  mock:\n    mock: {chunkDelay: 60ms, chunkWords: 1}\n" + openAiCompatible(up, many));
             Chromium browser = Chromium.launch(WIDTH, HEIGHT)) {
            Chromium.Page page = open(browser, s);
            awaitModels(page);
            assertThat(page.text("document.title")).isEqualTo("Sluice playground");

            // 122 ids, grouped by owner; the filter narrows them and picks the first match.
            assertThat(count(page, "#model option")).isEqualTo(122);
            assertThat(page.eval("[...document.querySelectorAll('#model optgroup')].map((g) => g.label)")
                    .toString()).contains("\"mock\"").contains("\"p\"");
            assertThat(page.text("document.getElementById('model-count').textContent")).isEqualTo("122 models");
            type(page, "model-filter", "m11");
            page.await("the filtered list", WAIT, "document.querySelectorAll('#model option').length === 11");
            assertThat(page.eval("[...document.querySelectorAll('#model option:not([data-typed])')].every((o) => "
                    + "o.value.includes('m11'))").asBoolean()).isTrue();
            // A name the list does not have (a wildcard route) may be used as typed.
            assertThat(page.text("document.querySelector('#model option[data-typed]').value")).isEqualTo("m11");
            assertThat(page.text("document.getElementById('model').value")).endsWith("m110");
            assertThat(page.text("document.getElementById('model-count').textContent")).isEqualTo("10 of 122");
            type(page, "model-filter", "lorem");
            page.await("mock/lorem picked by the filter", WAIT,
                    "document.getElementById('model').value === 'mock/lorem'");

            // The answer streams in: text before the end, the usage line after it.
            say(page, "hello there");
            page.await("the first words", WAIT, LAST + "?.dataset.state === 'streaming' && "
                    + "Number(" + LAST + ".dataset.chars) > 0");
            int early = answerChars(page);
            assertThat(usage(page).path("total").isMissingNode()).as("no usage before the end").isTrue();
            assertThat(page.eval("document.getElementById('send').disabled && "
                    + "!document.getElementById('stop').disabled").asBoolean()).isTrue();
            page.await("more words while streaming", WAIT, LAST + "?.dataset.state === 'streaming' && "
                    + "Number(" + LAST + ".dataset.chars) > " + early);
            awaitState(page, "done");
            assertThat(early).isLessThan(LOREM.length());
            assertThat(answerText(page)).isEqualTo(LOREM);
            JsonNode u = usage(page);
            JsonNode direct = json(Http.chat(s, Bodies.chat("mock/lorem", false, "hello there")).body())
                    .path("usage"); // the mock's own count, as the usage chunk carries it
            int completion = direct.path("completion_tokens").asInt();
            assertThat(completion).isPositive();
            assertThat(u.path("completion").asInt()).isEqualTo(completion);
            assertThat(u.path("prompt").asInt()).isEqualTo(direct.path("prompt_tokens").asInt());
            assertThat(u.path("total").asInt()).isEqualTo(u.path("prompt").asInt() + completion);
            assertThat(u.path("text").asText()).contains("completion " + completion).contains("first token ")
                    .contains("total ");
            assertThat(u.path("ttft").asLong()).isPositive().isLessThanOrEqualTo(u.path("ms").asLong());
            assertThat(u.path("ms").asLong()).isGreaterThanOrEqualTo(48 * 60 / 2);

            // Stop mid-stream: the partial answer stays, the conversation goes on.
            say(page, "once more");
            page.await("the second answer streaming", WAIT, LAST + "?.dataset.state === 'streaming' && "
                    + "Number(" + LAST + ".dataset.chars) > 10");
            click(page, "stop");
            awaitState(page, "stopped");
            int partial = answerChars(page);
            assertThat(partial).isPositive().isLessThan(LOREM.length());
            assertThat(answerText(page)).isEqualTo(LOREM.substring(0, partial).strip());
            assertThat(usage(page).path("text").asText()).contains("stopped");
            assertThat(page.eval("!document.getElementById('send').disabled && "
                    + "document.getElementById('stop').disabled").asBoolean()).isTrue();
            Await.until("the stopped request to leave Sluice", () ->
                    json(Http.get(s, "/api/stats/live").body()).path("inFlight").asInt(-1) == 0);

            type(page, "model-filter", "echo");
            page.await("mock/echo picked", WAIT, "document.getElementById('model').value === 'mock/echo'");
            say(page, "third *turn*");
            page.await("the echo", WAIT, "document.querySelectorAll('.msg.assistant').length === 3 && "
                    + LAST + ".dataset.state === 'done'");
            assertThat(answerText(page)).isEqualTo("third turn");
            assertThat(page.text(LAST + ".querySelector('.body em').textContent")).isEqualTo("turn");
            assertThat(page.text(LAST + ".querySelector('.who').textContent")).isEqualTo("mock/echo");
            assertThat(answerText(page)).doesNotContain(String.valueOf(partial));

            screenshot(page, Path.of("target", "playground.png"));
            ObjectNode dark = params();
            dark.putArray("features").addObject().put("name", "prefers-color-scheme").put("value", "dark");
            page.send("Emulation.setEmulatedMedia", dark);
            screenshot(page, Path.of("target", "playground-dark.png"));

            click(page, "clear");
            assertThat(count(page, "#conversation .msg")).isZero();
            assertThat(page.eval("document.getElementById('empty').hidden").asBoolean()).isFalse();
            assertThat(page.exceptions()).as("uncaught exceptions in the page").isEmpty();
        }
    }

    /** The scripted provider: markdown, an error, or an answer that starts and never ends. */
    private static Reply answer(TestUpstream.Received r) {
        String last = json(r.body()).path("messages").path(json(r.body()).path("messages").size() - 1)
                .path("content").asText();
        if (last.contains("fail")) {
            return Reply.json(400, "{\"error\":{\"message\":\"temperature 0.3 is too hot for this model\","
                    + "\"type\":\"invalid_request_error\",\"code\":\"bad_temperature\"}}");
        }
        if (last.contains("hang")) {
            return Reply.sse(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
                    chunk("{\"content\":\"partial answer \"}", null)).pause(Duration.ofMillis(50))
                    .part(chunk("{\"content\":\"that goes on\"}", null)).then(Reply.Ending.HANG);
        }
        Reply reply = Reply.sse(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < MARKDOWN.length(); i += 37) {
            pieces.add(MARKDOWN.substring(i, Math.min(MARKDOWN.length(), i + 37)));
        }
        for (int i = 0; i < pieces.size(); i++) {
            String event = chunk("{\"content\":" + Bodies.quote(pieces.get(i)) + "}", null);
            if (i % 3 == 1) {
                event = event.replace("\n", "\r\n"); // CRLF line ends
            }
            if (i % 3 == 2) { // one event cut in the middle of its JSON, across two writes
                int half = event.length() / 2;
                reply.part(event.substring(0, half)).pause(Duration.ofMillis(15)).part(event.substring(half));
            } else {
                reply.part(event);
            }
            reply.pause(Duration.ofMillis(15));
        }
        return reply.part(": keep-alive comment\n\n")
                .part(chunk("{}", "\"stop\""))
                .part("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":22,"
                        + "\"total_tokens\":33}}\n\n")
                .part("data: [DONE]\n\n");
    }

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    @Test
    void rendersMarkdownSafelySendsTheSettingsShowsErrorsAndStops() throws Exception {
        try (TestUpstream up = new TestUpstream(PlaygroundBrowserTest::answer);
             SluiceServer s = start("{requireClientKey: false}", "  mock: {}\n"
                     + openAiCompatible(up, List.of("m1", "m2")));
             Chromium browser = Chromium.launch(WIDTH, HEIGHT)) {
            Chromium.Page page = open(browser, s);
            awaitModels(page);
            pick(page, modelId(s, "p", "m1"));
            type(page, "system", "You are terse.");
            type(page, "temperature", "0.3");
            type(page, "top_p", "0.9");
            type(page, "max_tokens", "123");

            say(page, "show me markdown");
            awaitState(page, "done");
            String md = LAST + ".querySelector('.body')";
            assertThat(page.text(md + ".querySelector('h2').textContent")).isEqualTo("Title");
            assertThat(page.text(md + ".querySelector('p strong').textContent")).isEqualTo("bold");
            assertThat(page.text(md + ".querySelector('p em').textContent")).isEqualTo("italic");
            assertThat(page.text(md + ".querySelector('p del').textContent")).isEqualTo("gone");
            assertThat(page.text(md + ".querySelector('p code').textContent")).isEqualTo("inline <b>code</b>");
            JsonNode links = page.eval("[..." + md + ".querySelectorAll('a')].map((a) => "
                    + "({href: a.getAttribute('href'), rel: a.rel, target: a.target, text: a.textContent}))");
            assertThat(links).hasSize(3);
            assertThat(links.get(0).path("href").asText()).isEqualTo("https://example.com/docs");
            assertThat(links.get(0).path("text").asText()).isEqualTo("docs link");
            assertThat(links.get(0).path("rel").asText()).contains("noopener");
            assertThat(links.get(0).path("target").asText()).isEqualTo("_blank");
            assertThat(links.get(1).path("href").asText()).isEqualTo("https://example.org/path");
            assertThat(links.get(2).path("href").asText()).isEqualTo("https://example.com/x.png"); // not loaded
            assertThat(page.text(md + ".textContent")).contains("[bad link](javascript:alert(1))")
                    .contains("<script>window.__pwned = 1</script>")
                    .contains("<img src=x onerror=\"window.__pwned = 2\">")
                    .contains("snake_case_name stays");
            assertThat(count(page, "#conversation script, #conversation img, #conversation iframe, "
                    + "#conversation [onerror]")).isZero();
            assertThat(page.eval("typeof window.__pwned").asText()).isEqualTo("undefined");
            assertThat(page.eval("[..." + md + ".querySelectorAll(':scope > ul > li')].length").asInt())
                    .isEqualTo(2);
            assertThat(page.text(md + ".querySelector('ul > li > ul > li').textContent")).isEqualTo("nested one");
            assertThat(page.eval(md + ".querySelectorAll('ol > li').length").asInt()).isEqualTo(2);
            assertThat(page.text(md + ".querySelector('blockquote').textContent").strip()).isEqualTo("quoted words");
            assertThat(page.eval(md + ".querySelectorAll('table tbody tr').length").asInt()).isEqualTo(2);
            assertThat(page.text(md + ".querySelector('table td.align-right').textContent")).isEqualTo("1");
            assertThat(page.text(md + ".querySelector('pre code').className")).isEqualTo("language-python");
            assertThat(page.text(md + ".querySelector('pre code').textContent"))
                    .isEqualTo("def hello():\n    return \"<script>alert(1)</script>\"");
            assertThat(usage(page).path("text").asText()).startsWith("prompt 11 · completion 22 · total 33 tokens");
            screenshot(page, Path.of("target", "playground-markdown.png"));

            // The request as the provider received it: the system prompt first, the parameters, usage asked for.
            JsonNode first = json(up.take().body());
            assertThat(first.path("model").asText()).isEqualTo("m1");
            assertThat(first.path("stream").asBoolean()).isTrue();
            assertThat(first.path("stream_options").path("include_usage").asBoolean()).isTrue();
            assertThat(first.path("temperature").asDouble()).isEqualTo(0.3);
            assertThat(first.path("top_p").asDouble()).isEqualTo(0.9);
            assertThat(first.path("max_tokens").asInt()).isEqualTo(123);
            assertThat(first.path("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"You are "
                    + "terse.\"},{\"role\":\"user\",\"content\":\"show me markdown\"}]");

            // An API error shows in the conversation; the failed turn is not sent again, its text is back in the box.
            say(page, "now fail please");
            page.await("the error", WAIT, "!!document.querySelector('.msg.error')");
            assertThat(page.text("document.querySelector('.msg.error').textContent"))
                    .contains("Error 400").contains("temperature 0.3 is too hot for this model");
            assertThat(page.text("document.getElementById('prompt').value")).isEqualTo("now fail please");
            JsonNode second = json(up.take().body());
            assertThat(second.path("messages")).hasSize(4);
            assertThat(second.path("messages").get(2).path("role").asText()).isEqualTo("assistant");
            assertThat(second.path("messages").get(2).path("content").asText()).isEqualTo(MARKDOWN);
            assertThat(second.path("messages").get(3).path("content").asText()).isEqualTo("now fail please");

            // Stop an answer that never ends: the partial text stays and Sluice closes the upstream connection.
            type(page, "max_tokens", "");
            say(page, "hang on");
            page.await("the partial answer", WAIT, LAST + "?.dataset.state === 'streaming' && "
                    + LAST + ".querySelector('.body').textContent.includes('that goes on')");
            JsonNode third = json(up.take().body());
            assertThat(third.has("max_tokens")).as("an emptied parameter is not sent").isFalse();
            assertThat(third.path("messages")).hasSize(4); // system, markdown turn, this one
            assertThat(third.path("messages").get(3).path("content").asText()).isEqualTo("hang on");
            int closed = up.closedConnections();
            click(page, "stop");
            awaitState(page, "stopped");
            assertThat(answerText(page)).isEqualTo("partial answer that goes on");
            Await.until("the upstream connection of the stopped answer to close", () ->
                    up.closedConnections() > closed);
            assertThat(page.exceptions()).as("uncaught exceptions in the page").isEmpty();
        }
    }

    @Test
    void asksForTheClientKeyThenWorks() throws Exception {
        try (SluiceServer s = start("{clientKeys: {team: " + CLIENT_KEY + "}}",
                "  mock:\n    mock: {chunkDelay: 0ms}\n");
             Chromium browser = Chromium.launch(WIDTH, HEIGHT)) {
            String refusal = json(Http.get(s, "/v1/models").body()).path("error").path("message").asText();
            assertThat(refusal).isNotBlank();
            Chromium.Page page = open(browser, s);
            page.await("the key asked for", WAIT, "!document.getElementById('key-panel').hidden && "
                    + "document.getElementById('key-message').textContent.length > 0");
            assertThat(page.text("document.getElementById('key-message').textContent")).isEqualTo(refusal);
            assertThat(page.text("document.getElementById('key').type")).isEqualTo("password");

            type(page, "key", "sk-not-the-key");
            click(page, "key-save");
            String wrong = json(Http.get(s, "/v1/models", "authorization", "Bearer sk-not-the-key").body())
                    .path("error").path("message").asText();
            page.await("the wrong key refused", WAIT, "document.getElementById('key-message').textContent === "
                    + quote(wrong) + " && document.getElementById('model-count').textContent === 'models: 401'");
            assertThat(page.eval("document.getElementById('key-panel').hidden").asBoolean()).isFalse();

            type(page, "key", CLIENT_KEY);
            click(page, "key-save");
            awaitModels(page);
            assertThat(page.eval("document.getElementById('key-panel').hidden").asBoolean()).isTrue();
            assertThat(page.text("sessionStorage.getItem('sluice.ui.key')")).isEqualTo(CLIENT_KEY);
            assertThat(page.text("JSON.stringify(localStorage)")).doesNotContain(CLIENT_KEY);
            assertThat(page.text("document.documentElement.outerHTML")).doesNotContain(CLIENT_KEY);

            pick(page, "mock/echo");
            say(page, "hello with a key");
            awaitState(page, "done");
            assertThat(answerText(page)).isEqualTo("hello with a key");

            // Speech is another engineer's endpoint: missing or not configured, the page says so and goes on.
            assertThat(count(page, "button.speak")).isEqualTo(1);
            page.eval("document.querySelector('button.speak').click()");
            page.await("speech reported unavailable", WAIT,
                    "document.getElementById('status').textContent.startsWith('speech is not available')");
            assertThat(count(page, "button.speak")).isZero();

            // A reload keeps the key for this tab.
            page.navigate(Http.base(s) + "/ui");
            awaitModels(page);
            assertThat(page.eval("document.getElementById('key-panel').hidden").asBoolean()).isTrue();
            assertThat(page.exceptions()).as("uncaught exceptions in the page").isEmpty();
        }
    }
}
