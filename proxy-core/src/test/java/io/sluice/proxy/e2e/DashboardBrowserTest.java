package io.sluice.proxy.e2e;

import static io.sluice.proxy.e2e.CdpClient.params;
import static io.sluice.proxy.e2e.E2e.chatBody;
import static io.sluice.proxy.e2e.E2e.get;
import static io.sluice.proxy.e2e.E2e.json;
import static io.sluice.proxy.e2e.E2e.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard at {@code /monitor} in a real headless Chromium, driven over the DevTools protocol: it must show the
 * live state of a running Sluice (a healthy provider, one key cooling after a 429), rotate a provider's keys from a
 * button, render something that is not blank, and let a browser log in with HTTP Basic on an exposed instance.
 *
 * <p>Without {@code /usr/bin/chromium} this is skipped on a developer machine and fails in CI ({@code CI} set):
 * {@code .ci/run} installs it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

    private static final String KEY_A = "sk-dash-aaaa-00000001";
    private static final String KEY_B = "sk-dash-bbbb-00000002";
    private static final String ADMIN_KEY = "admin-dash-secret-01";
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 1000;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeEach
    void needsChromium() {
        if (!Chromium.installed()) {
            if (System.getenv("CI") != null) {
                fail(Chromium.BINARY + " is missing; .ci/run installs it (apt-get install chromium)");
            }
            Assumptions.assumeTrue(false, Chromium.BINARY + " is missing: browser test skipped");
        }
    }

    private static final String CLIENT_KEY = "sk-dash-client-1234567890";

    private static TestUpstream upstream() throws InterruptedException {
        return new TestUpstream(r -> r.header("authorization").endsWith(KEY_A)
                ? Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}").header("retry-after", "40")
                : Reply.json(200, OpenAiSdkTest.COMPLETION));
    }

    private static SluiceServer start(String server, TestUpstream up) throws Exception {
        return start(server, "{requireClientKey: false}", up);
    }

    private static SluiceServer start(String server, String access, TestUpstream up) throws Exception {
        return SluiceServer.start(ConfigLoader.parse("server: {" + server + ", port: 0, ioThreads: 1, "
                + "shutdownGrace: 100ms}\nprovidersFromEnv: false\naccess: " + access
                + "\nrateLimits: {perProvider: 1000}\n"
                + "concurrency: {maxConcurrent: 3}\nproviders:\n  mock: {}\n  p:\n    type: openai-compatible\n"
                + "    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n    apiKeys: [" + KEY_A + ", " + KEY_B + "]\n"
                + "    models: [m1, m2]\n  off:\n    type: openai\n    enabled: false\n", Map.of()));
    }

    private static String url(SluiceServer s, String path) {
        return "http://127.0.0.1:" + s.localAddress().getPort() + path;
    }

    private static JsonNode awaitUpdated(Chromium.Page page) throws InterruptedException {
        return page.await("#status to say updated", WAIT,
                "(document.getElementById('status')?.textContent || '').startsWith('updated')");
    }

    @Test
    void showsTheLiveStateRotatesKeysAndIsNotBlank() throws Exception {
        try (TestUpstream up = upstream(); SluiceServer s = start("host: 127.0.0.1", up)) {
            for (int i = 0; i < 3; i++) {
                assertThat(post(s, "/v1/chat/completions", chatBody("p/m1", false, "hi " + i)).statusCode())
                        .isEqualTo(200);
            }
            assertThat(json(get(s, "/api/monitoring/providers/p/tokens").body()).path("blocked").asInt())
                    .as("key A cools down after its 429").isEqualTo(1);

            try (Chromium browser = Chromium.launch(WIDTH, HEIGHT)) {
                Chromium.Page page = browser.page();
                page.viewport(WIDTH, HEIGHT);
                page.navigate(url(s, "/monitor"));
                awaitUpdated(page);
                assertThat(page.text("document.title")).isEqualTo("Sluice monitor");

                // Providers: every configured one, "p" healthy, the disabled one listed as off.
                assertThat(page.text("document.querySelector('#providers tr[data-provider=\"p\"]').dataset.healthy"))
                        .isEqualTo("true");
                assertThat(page.text("document.querySelector('#providers tr[data-provider=\"p\"]').innerText"))
                        .contains("openai-compatible").contains("closed");
                assertThat(page.eval("document.querySelectorAll('#providers tbody tr').length").asInt())
                        .isEqualTo(3);

                // Keys: both, by name, masked, one cooling with a countdown; the keys themselves never shown.
                assertThat(page.text("document.querySelector('#keys tr[data-key=\"apiKeys[0]\"]').dataset.state"))
                        .isEqualTo("cooling");
                assertThat(page.text("document.querySelector('#keys tr[data-key=\"apiKeys[1]\"]').dataset.state"))
                        .isEqualTo("active");
                assertThat(page.text("document.querySelector('#keys tr[data-key=\"apiKeys[0]\"]').innerText"))
                        .containsPattern("cooling \\d+s").contains("sk-...0001");
                assertThat(page.text("document.documentElement.outerHTML")).doesNotContain(KEY_A)
                        .doesNotContain(KEY_B);

                // Rate limits exist today.
                assertThat(page.text("document.querySelector('#limits tr[data-provider=\"p\"]').innerText"))
                        .contains("1,000/min");
                // Access: a loopback bind without client keys.
                assertThat(page.text("document.querySelector('#access [data-access]').dataset.access"))
                        .isEqualTo("local");

                // Usage per model from /v1/stats: p/m1 with the provider's own numbers (3 x 19 + 10), a totals row.
                assertThat(page.await("the usage row of p/m1", WAIT,
                        "!!document.querySelector('#usage tr[data-provider=\"p\"][data-model=\"m1\"]')")
                        .asBoolean()).isTrue();
                assertThat(page.text("document.querySelector('#usage tr[data-provider=\"p\"][data-model=\"m1\"]')"
                        + ".innerText")).contains("57").contains("30");
                assertThat(page.eval("!!document.querySelector('#usage tr[data-total]')").asBoolean()).isTrue();
                // Logs: the cooldown of key A (warn) and the responses (info), newest first.
                assertThat(page.eval("document.querySelectorAll('#logs tbody tr[data-provider=\"p\"]').length")
                        .asInt()).isGreaterThanOrEqualTo(4);
                assertThat(page.eval("!!document.querySelector('#logs tr[data-level=\"warn\"]')").asBoolean())
                        .isTrue();
                assertThat(page.text("document.getElementById('logs').innerText")).contains("cooling");
                // Sessions and the live view render (nothing in flight now; the sparkline is drawn).
                assertThat(page.eval("!!document.querySelector('#sessions [data-na]')").asBoolean()).isFalse();
                assertThat(page.eval("!!document.querySelector('#spark svg')").asBoolean()).isTrue();

                // Rotate: the button posts, the page shows the server's answer, and refreshes.
                int before = page.eval("Number(document.getElementById('status').dataset.refreshes)").asInt();
                page.eval("document.querySelector('[data-rotate=\"p\"]').click()");
                assertThat(page.await("the rotation message", WAIT,
                        "document.querySelector('#message[data-action=\"rotate\"]')?.innerText || ''").asText())
                        .contains("p: the next request skips the key in turn");
                assertThat(page.text("document.getElementById('message').dataset.kind")).isEqualTo("ok");
                page.await("a refresh after the rotation", WAIT,
                        "Number(document.getElementById('status').dataset.refreshes) > " + before);

                // Test: a live call with each key; key A is refused (429), key B answers.
                page.eval("document.querySelector('[data-test=\"p\"]').click()");
                assertThat(page.await("the test message", WAIT,
                        "document.querySelector('#message[data-action=\"test\"]')?.innerText || ''").asText())
                        .contains("p: 1 of 2 keys answered");

                // Pause stops the polling; resume starts it again.
                page.eval("document.getElementById('pause').click()");
                assertThat(page.text("document.getElementById('status').textContent")).endsWith("(paused)");
                Thread.sleep(700); // a refresh already in flight (the Test button starts one) may still land
                int paused = page.eval("Number(document.getElementById('status').dataset.refreshes)").asInt();
                Thread.sleep(2_500); // longer than one refresh period: nothing may happen
                assertThat(page.eval("Number(document.getElementById('status').dataset.refreshes)").asInt())
                        .isEqualTo(paused);
                page.eval("document.getElementById('pause').click()");
                page.await("a refresh after resuming", WAIT,
                        "Number(document.getElementById('status').dataset.refreshes) > " + paused);

                page.eval("document.getElementById('message').hidden = true");
                checkScreenshot(page.screenshot(), Path.of("target", "dashboard.png"));
                page.send("Emulation.setEmulatedMedia", darkScheme());
                checkScreenshot(page.screenshot(), Path.of("target", "dashboard-dark.png"));

                assertThat(page.exceptions()).as("uncaught exceptions in the page").isEmpty();
            }
        }
    }

    @Test
    void aBrowserLogsInWithBasicAuthOnAnExposedInstance() throws Exception {
        try (TestUpstream up = upstream();
             SluiceServer s = start("host: 0.0.0.0, adminKey: " + ADMIN_KEY, "{clientKeys: {team: {key: "
                     + CLIENT_KEY + ", models: [\"p/*\"], rateLimit: 30}}, ipDeny: [192.0.2.0/24]}", up);
             Chromium browser = Chromium.launch(WIDTH, HEIGHT)) {
            Chromium.Page page = browser.page();
            // What a person does at the browser's login prompt, through the protocol's auth hook.
            AtomicInteger challenges = new AtomicInteger();
            Map<String, Integer> seen = new HashMap<>();
            page.onEvent(e -> {
                String method = e.path("method").asText();
                JsonNode p = e.path("params");
                if (method.equals("Fetch.requestPaused")) {
                    page.sendAsync("Fetch.continueRequest", params().put("requestId", p.path("requestId").asText()));
                } else if (method.equals("Fetch.authRequired")) {
                    challenges.incrementAndGet();
                    synchronized (seen) {
                        seen.merge(p.path("authChallenge").path("scheme").asText() + " "
                                + p.path("authChallenge").path("realm").asText(), 1, Integer::sum);
                    }
                    ObjectNode answer = params().put("requestId", p.path("requestId").asText());
                    answer.putObject("authChallengeResponse").put("response", "ProvideCredentials")
                            .put("username", "ops").put("password", ADMIN_KEY);
                    page.sendAsync("Fetch.continueWithAuth", answer);
                }
            });
            ObjectNode fetch = params().put("handleAuthRequests", true);
            fetch.putArray("patterns").addObject().put("urlPattern", "*");
            page.send("Fetch.enable", fetch);

            page.navigate(url(s, "/monitor"));
            awaitUpdated(page);
            // The page's own fetch() calls carried the credentials the browser was given.
            assertThat(page.text("document.querySelector('#providers tr[data-provider=\"p\"]').dataset.healthy"))
                    .isEqualTo("true");
            assertThat(page.eval("document.querySelectorAll('#keys tr[data-key]').length").asInt()).isEqualTo(2);
            // Access: keys required on this exposed instance, the team key masked with its allow-list and limit.
            assertThat(page.text("document.querySelector('#access [data-access]').dataset.access")).isEqualTo("keys");
            assertThat(page.text("document.querySelector('#access [data-access]').innerText"))
                    .contains("client keys required").contains("deny 192.0.2.0/24");
            assertThat(page.text("document.querySelector('#access tr[data-client-key=\"team\"]').innerText"))
                    .contains("sk-...7890").contains("p/*").contains("30");
            assertThat(page.text("document.documentElement.outerHTML")).doesNotContain(CLIENT_KEY);
            assertThat(challenges.get()).as("the browser was challenged").isPositive();
            synchronized (seen) {
                assertThat(seen.keySet()).containsOnly("basic sluice");
            }
            assertThat(page.exceptions()).isEmpty();
        }
    }

    private static ObjectNode darkScheme() {
        ObjectNode p = params();
        p.putArray("features").addObject().put("name", "prefers-color-scheme").put("value", "dark");
        return p;
    }

    /**
     * The PNG decodes, has the window's size, and is not blank: many distinct colours (text, badges, the sparkline),
     * and a fair share of pixels unlike the most common one (the background).
     */
    private static void checkScreenshot(byte[] png, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as("PNG decodes").isNotNull();
        assertThat(img.getWidth()).isEqualTo(WIDTH);
        assertThat(img.getHeight()).isEqualTo(HEIGHT);
        Map<Integer, Integer> colors = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                colors.merge(img.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
            }
        }
        int background = colors.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        double total = (double) img.getWidth() * img.getHeight();
        assertThat(colors.size()).as("distinct colours in " + file).isGreaterThan(20);
        assertThat(1 - background / total).as("share of non-background pixels in " + file).isGreaterThan(0.05);
    }
}
