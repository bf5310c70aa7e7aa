package io.sluice.proxy.e2e;

import static io.sluice.proxy.e2e.CdpClient.params;
import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's "🔌 Providers" tab in a real headless Chromium: every provider with its status (🟢 active,
 * 🟡 disabled, 🔴 not configured, also for the types nobody set up yet), and the operator's actions on one: give a
 * provider that has no key its key and base URL (it turns 🟢, the API agrees, the page only ever shows the key
 * masked), test it live, list its models, and see the server's error next to the form for a bad base URL.
 *
 * <p>Without {@code /usr/bin/chromium} this is skipped on a developer machine and fails in CI ({@code CI} set), as
 * {@link DashboardBrowserTest} is.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProvidersTabBrowserTest {

    private static final String KEY_P = "sk-pvtab-pppp-00000001";
    private static final String KEY_OFF = "sk-pvtab-off0-00000002";
    private static final String KEY_NEW = "sk-ant-pvtab-new-secret-4321";
    private static final String KEY_XAI = "xai-pvtab-new-secret-8765";
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 1000;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PROVIDERS = "/api/monitoring/providers";

    private final List<TestUpstream.Received> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void needsChromium() {
        if (!Chromium.installed()) {
            if (System.getenv("CI") != null) {
                fail(Chromium.BINARY + " is missing; .ci/run installs it (apt-get install chromium)");
            }
            Assumptions.assumeTrue(false, Chromium.BINARY + " is missing: browser test skipped");
        }
    }

    /** Both wire formats on one mock: Anthropic Messages for the provider configured from the page, OpenAI for p. */
    private TestUpstream upstream() throws InterruptedException {
        return new TestUpstream(r -> {
            seen.add(r);
            return r.uri().endsWith("/messages") ? Reply.json(200, TranslationSdkTest.ANTHROPIC_MESSAGE)
                    : Reply.json(200, OpenAiSdkTest.COMPLETION);
        });
    }

    /** anthropic: enabled without its key (🔴); p: a key and a base URL (🟢); off: switched off (🟡). */
    private static SluiceServer start(TestUpstream up) throws Exception {
        return TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\naccess: {requireClientKey: false}\nproviders:\n"
                + "  anthropic:\n    type: anthropic\n    enabled: true\n    models: [claude-test]\n"
                + "  p:\n    type: openai-compatible\n    baseUrl: " + base(up) + "\n    apiKeys: [" + KEY_P + "]\n"
                + "    models: [m1, m2]\n"
                + "  off:\n    type: openai\n    enabled: false\n    apiKey: " + KEY_OFF + "\n");
    }

    private static String base(TestUpstream up) {
        return "http://127.0.0.1:" + up.port() + "/v1";
    }

    private static JsonNode provider(SluiceServer s, String name) throws Exception {
        for (JsonNode p : json(Http.get(s, PROVIDERS).body()).path("providers")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no provider " + name + " in GET " + PROVIDERS);
    }

    /** The types the page must add a 🔴 card for: unconfigured, and no provider has that name or type. */
    private static List<String> typeCards(JsonNode providers) {
        Set<String> taken = new HashSet<>();
        for (JsonNode p : providers.path("providers")) {
            taken.add(p.path("name").asText());
            taken.add(p.path("type").asText());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode t : providers.path("unconfigured_types")) {
            if (taken.add(t.asText())) {
                out.add(t.asText());
            }
        }
        return out;
    }

    private static String card(String name) {
        return "document.querySelector('#pv-list [data-pv=\"" + name + "\"]')";
    }

    private static Chromium.Page open(Chromium browser, SluiceServer s, String path) throws InterruptedException {
        Chromium.Page page = browser.page();
        page.viewport(WIDTH, HEIGHT);
        page.navigate(Http.base(s) + path);
        page.await("#status to say updated", WAIT,
                "(document.getElementById('status')?.textContent || '').startsWith('updated')");
        return page;
    }

    private static void awaitStatus(Chromium.Page page, String name, String status) throws InterruptedException {
        page.await(name + " to show " + status, WAIT, card(name) + "?.dataset.status === '" + status + "'");
    }

    /** Types {@code text} into the field as a person would: focus, then the protocol's text input. */
    private static void type(Chromium.Page page, String name, String field, String text) {
        page.eval("(() => { const i = document.querySelector('[data-pv-form=\"" + name + "\"] [name=\"" + field
                + "\"]'); i.value = ''; i.focus(); })()");
        page.send("Input.insertText", params().put("text", text));
    }

    /** Clicks {@code button} on the card and waits for the card's answer to {@code action}; its text. */
    private static String act(Chromium.Page page, String name, String button, String action)
            throws InterruptedException {
        page.eval(card(name) + ".querySelector('.pv-result').removeAttribute('data-action')");
        page.eval(card(name) + ".querySelector('[" + button + "]').click()");
        return page.await(name + ": the answer to " + action, WAIT, card(name)
                + "?.querySelector('.pv-result[data-action=\"" + action + "\"]')?.innerText || ''").asText();
    }

    private static String resultKind(Chromium.Page page, String name) {
        return page.text(card(name) + ".querySelector('.pv-result').dataset.kind");
    }

    private static void assertNoSecretIn(Chromium.Page page, String... secrets) {
        String html = page.text("document.documentElement.outerHTML");
        String text = page.text("document.body.innerText");
        String values = page.text("[...document.querySelectorAll('input')].map((i) => i.value).join(' ')");
        for (String secret : secrets) {
            assertThat(html).as("page HTML").doesNotContain(secret);
            assertThat(text).as("page text").doesNotContain(secret);
            assertThat(values).as("input values").doesNotContain(secret);
        }
    }

    @Test
    void showsEveryProviderWithItsStatusTestsOneAndListsItsModels() throws Exception {
        try (TestUpstream up = upstream(); SluiceServer s = start(up); Chromium browser = Chromium.launch(WIDTH,
                HEIGHT)) {
            JsonNode api = json(Http.get(s, PROVIDERS).body());
            List<String> types = typeCards(api);
            assertThat(types).as("types nobody set up get a card of their own").isNotEmpty();

            Chromium.Page page = open(browser, s, "/monitor");
            assertThat(page.eval("document.getElementById('view-providers').hidden").asBoolean()).isTrue();
            page.eval("document.getElementById('tab-providers').click()");
            assertThat(page.eval("document.getElementById('view-overview').hidden").asBoolean()).isTrue();
            assertThat(page.eval("document.getElementById('view-providers').hidden").asBoolean()).isFalse();
            assertThat(page.text("document.getElementById('tab-providers').getAttribute('aria-selected')"))
                    .isEqualTo("true");
            assertThat(page.text("location.hash")).isEqualTo("#tab-providers");
            page.await("the provider cards", WAIT, "document.querySelectorAll('#pv-list [data-pv]').length >= "
                    + (3 + types.size()));

            // One card per provider, status emoji and word; then one per unconfigured type.
            awaitStatus(page, "p", "active");
            awaitStatus(page, "off", "disabled");
            awaitStatus(page, "anthropic", "not_configured");
            assertThat(page.text(card("p") + ".querySelector('.pv-status').textContent")).isEqualTo("🟢 active");
            assertThat(page.text(card("off") + ".querySelector('.pv-status').textContent")).isEqualTo("🟡 disabled");
            assertThat(page.text(card("anthropic") + ".querySelector('.pv-status').textContent"))
                    .isEqualTo("🔴 not configured");
            assertThat(page.text(card("p") + ".innerText")).contains("openai-compatible").contains(base(up));
            assertThat(page.text(card("p") + ".querySelector('.pv-count').textContent"))
                    .isEqualTo(provider(s, "p").path("modelCount").asText());
            for (String t : types) {
                assertThat(page.text(card(t) + "?.dataset.kind + ' ' + " + card(t) + "?.dataset.status")).as(t)
                        .isEqualTo("type not_configured");
            }
            assertThat(page.eval("document.querySelectorAll('#pv-list [data-pv]').length").asInt())
                    .isEqualTo(api.path("providers").size() + types.size());
            assertThat(page.text("document.getElementById('pv-summary').innerText")).contains("3 providers");
            // The key field is a password field and starts empty: nothing secret is put into the page.
            assertThat(page.text("[...document.querySelectorAll('#pv-list input[name=\"api_key\"]')]"
                    + ".every((i) => i.type === 'password' && i.value === '')")).isEqualTo("true");

            // Test: a live call with p's one key, through the mock.
            assertThat(act(page, "p", "data-pv-test", "test")).contains("p: 1 of 1 keys answered");
            assertThat(resultKind(page, "p")).isEqualTo("ok");
            assertThat(page.eval(card("p") + ".querySelectorAll('.pv-result tr[data-ok=\"true\"]').length").asInt())
                    .isEqualTo(1);
            // A disabled provider cannot be tested: the server's 409 shows on its card.
            assertThat(act(page, "off", "data-pv-test", "test")).contains("not enabled");
            assertThat(resultKind(page, "off")).isEqualTo("bad");

            // Models: p's as the admin API lists them.
            JsonNode models = json(Http.get(s, PROVIDERS + "/p/models").body()).path("models");
            assertThat(models.size()).isEqualTo(2);
            page.eval(card("p") + ".querySelector('[data-pv-models]').click()");
            page.await("p's models", WAIT, card("p") + ".querySelectorAll('.pv-models tr[data-model]').length === 2");
            String listed = page.text(card("p") + ".querySelector('.pv-models').innerText");
            for (JsonNode m : models) {
                assertThat(listed).contains(m.path("id").asText()).contains(m.path("upstream").asText());
            }
            page.eval(card("p") + ".querySelector('[data-pv-models]').click()");
            assertThat(page.eval(card("p") + ".querySelector('.pv-models').hidden").asBoolean()).isTrue();

            screenshot(page.screenshot(), Path.of("target", "dashboard-providers.png"));
            // p's key, masked as the API masks it, never whole.
            String masked = provider(s, "p").path("maskedKeys").path(0).asText();
            assertThat(masked).as("maskedKeys of p").endsWith("0001").isNotEqualTo(KEY_P);
            page.await("p's masked key", WAIT, card("p") + ".querySelector('.pv-keys').textContent === '"
                    + masked + "'");
            assertNoSecretIn(page, KEY_P, KEY_OFF);
            assertThat(page.exceptions()).as("uncaught exceptions in the page").isEmpty();
        }
    }

    @Test
    void givesAProviderItsKeyAndBaseUrlFromTheTab() throws Exception {
        try (TestUpstream up = upstream(); SluiceServer s = start(up); Chromium browser = Chromium.launch(WIDTH,
                HEIGHT)) {
            Chromium.Page page = open(browser, s, "/monitor#tab-providers");
            assertThat(page.eval("document.getElementById('view-providers').hidden").asBoolean()).isFalse();
            awaitStatus(page, "anthropic", "not_configured");

            // What is typed survives the page's own refreshes.
            type(page, "anthropic", "api_key", KEY_NEW);
            type(page, "anthropic", "base_url", base(up));
            int refreshes = page.eval("Number(document.getElementById('status').dataset.refreshes)").asInt();
            page.await("a refresh while typing", WAIT,
                    "Number(document.getElementById('status').dataset.refreshes) > " + refreshes);
            assertThat(page.text("document.querySelector('[data-pv-form=\"anthropic\"] [name=\"base_url\"]').value"))
                    .isEqualTo(base(up));

            // Save: the card turns 🟢 and the API says the same.
            String saved = act(page, "anthropic", "data-pv-save", "save");
            assertThat(resultKind(page, "anthropic")).as(saved).isEqualTo("ok");
            // No .env behind a config given as text: applied until restart, and the page says so.
            assertThat(saved).contains("anthropic: saved").contains("until restart");
            awaitStatus(page, "anthropic", "active");
            assertThat(page.text(card("anthropic") + ".querySelector('.pv-status').textContent"))
                    .isEqualTo("🟢 active");
            JsonNode a = provider(s, "anthropic");
            assertThat(a.path("status").asText()).isEqualTo("active");
            assertThat(a.path("configured").asBoolean()).isTrue();
            assertThat(a.path("enabled").asBoolean()).isTrue();
            assertThat(a.path("baseUrl").asText()).isEqualTo(base(up));
            String masked = a.path("maskedKeys").path(0).asText();
            assertThat(masked).endsWith("4321").isNotEqualTo(KEY_NEW);
            page.await("the masked key", WAIT, card("anthropic") + ".querySelector('.pv-keys').textContent === '"
                    + masked + "'");
            assertThat(page.text(card("anthropic") + ".querySelector('.pv-url').textContent")).isEqualTo(base(up));
            assertNoSecretIn(page, KEY_NEW, KEY_P, KEY_OFF);

            // Test: the provider answers with the key just given, at the base URL just given.
            assertThat(act(page, "anthropic", "data-pv-test", "test")).contains("anthropic: 1 of 1 keys answered");
            assertThat(resultKind(page, "anthropic")).isEqualTo("ok");
            assertThat(seen).anySatisfy(r -> {
                assertThat(r.uri()).isEqualTo("/v1/messages");
                assertThat(r.header("x-api-key")).isEqualTo(KEY_NEW);
            });

            // Models: its one configured model.
            page.eval(card("anthropic") + ".querySelector('[data-pv-models]').click()");
            page.await("anthropic's models", WAIT,
                    card("anthropic") + ".querySelectorAll('.pv-models tr[data-model]').length > 0");
            assertThat(page.text(card("anthropic") + ".querySelector('.pv-models').innerText"))
                    .contains("claude-test");

            // A bad base URL: the server's own error next to the form, and nothing changed.
            HttpResponse<String> direct = Http.post(s, PROVIDERS + "/anthropic/config", "{\"base_url\":\"ftp://x\"}");
            assertThat(direct.statusCode()).isEqualTo(400);
            String error = json(direct.body()).path("error").asText();
            assertThat(error).startsWith("base_url: ").contains("ftp://x");
            type(page, "anthropic", "base_url", "ftp://x");
            String refused = act(page, "anthropic", "data-pv-save", "save");
            assertThat(resultKind(page, "anthropic")).isEqualTo("bad");
            assertThat(refused).contains("not saved");
            assertThat(page.text(card("anthropic") + ".querySelector('.pv-error').textContent")).isEqualTo(error);
            assertThat(provider(s, "anthropic").path("baseUrl").asText()).isEqualTo(base(up));
            awaitStatus(page, "anthropic", "active");

            // A type no provider is of yet: its card takes a key, and becomes a provider of that type.
            assertThat(page.text(card("xai") + ".dataset.kind")).isEqualTo("type");
            type(page, "xai", "api_key", KEY_XAI);
            type(page, "xai", "base_url", base(up));
            String made = act(page, "xai", "data-pv-save", "save");
            assertThat(resultKind(page, "xai")).as(made).isEqualTo("ok");
            awaitStatus(page, "xai", "active");
            page.await("xai as a provider", WAIT, card("xai") + ".dataset.kind === 'provider'");
            JsonNode x = provider(s, "xai");
            assertThat(x.path("status").asText()).isEqualTo("active");
            assertThat(x.path("type").asText()).isEqualTo("xai");
            assertThat(x.path("baseUrl").asText()).isEqualTo(base(up));
            assertNoSecretIn(page, KEY_XAI, KEY_NEW);

            // Clear keys: back to not configured, here and in the API.
            act(page, "xai", "data-pv-clear", "clear");
            assertThat(resultKind(page, "xai")).isEqualTo("ok");
            awaitStatus(page, "xai", "not_configured");
            assertThat(provider(s, "xai").path("keys").asInt()).isZero();
            assertThat(provider(s, "xai").path("status").asText()).isEqualTo("not_configured");

            assertThat(page.exceptions()).as("uncaught exceptions in the page").isEmpty();
        }
    }

    /** The PNG decodes, has the window's size, and is not blank. */
    private static void screenshot(byte[] png, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as("PNG decodes").isNotNull();
        assertThat(img.getWidth()).isEqualTo(WIDTH);
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                colors.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertThat(colors.size()).as("distinct colours in " + file).isGreaterThan(20);
    }
}
