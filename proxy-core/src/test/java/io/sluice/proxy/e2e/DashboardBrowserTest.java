package io.sluice.proxy.e2e;

import static io.sluice.proxy.e2e.CdpClient.params;
import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.proxy.SluiceServer;
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
        return TestConfig.startYaml("server: {" + server + ", port: 0, ioThreads: 1, "
                + "shutdownGrace: 100ms}\nprovidersFromEnv: false\naccess: " + access
                + "\nrateLimits: {perProvider: 1000}\n"
                + "concurrency: {maxConcurrent: 3}\nproviders:\n  mock: {}\n  p:\n    type: openai-compatible\n"
                + "    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n    apiKeys: [" + KEY_A + ", " + KEY_B + "]\n"
                + "    models: [m1, m2]\n  off:\n    type: openai\n    enabled: false\n");
    }

    private static String url(SluiceServer s, String path) {
        return Http.base(s) + path;
    }

    /**
     * A test probe run before the dashboard's own script. Its one-shot and repeating timers are recorded so that
     * {@code __probe.runTimers()} can run every pending one at once, as if any amount of time had passed (it returns
     * how many one-shot timers it ran); its
     * {@code fetch} calls are counted, and one stays open until its JSON body was read. With no fetch open, a refresh
     * has finished or not started, and its continuations have run too (they are microtasks, which run before the
     * next DevTools command): that is "idle". So "nothing happens while paused" is checked without waiting for a
     * refresh period to pass: at idle, run every timer, and no fetch may start.
     */
    private static final String PROBE = """
            (() => {
              const realSetTimeout = window.setTimeout.bind(window);
              const realClearTimeout = window.clearTimeout.bind(window);
              const realSetInterval = window.setInterval.bind(window);
              const realClearInterval = window.clearInterval.bind(window);
              const realFetch = window.fetch.bind(window);
              const timeouts = new Map();
              const intervals = new Map();
              window.setTimeout = (fn, delay, ...args) => {
                const id = realSetTimeout(() => { timeouts.delete(id); fn(...args); }, delay);
                timeouts.set(id, () => fn(...args));
                return id;
              };
              window.clearTimeout = (id) => { timeouts.delete(id); realClearTimeout(id); };
              window.setInterval = (fn, delay, ...args) => {
                const id = realSetInterval(fn, delay, ...args);
                intervals.set(id, () => fn(...args));
                return id;
              };
              window.clearInterval = (id) => { intervals.delete(id); realClearInterval(id); };
              let started = 0;
              let open = 0;
              window.fetch = (...request) => {
                started++;
                open++;
                return realFetch(...request).then((res) => {
                  const json = res.json.bind(res);
                  res.json = () => json().finally(() => { open--; });
                  return res;
                }, (e) => { open--; throw e; });
              };
              window.__probe = {
                fetchesStarted: () => started,
                fetchesOpen: () => open,
                runTimers() {
                  const due = [...timeouts.entries()];
                  due.forEach(([id]) => { realClearTimeout(id); timeouts.delete(id); });
                  due.forEach(([, run]) => run());
                  intervals.forEach((run) => run());
                  return due.length;
                },
              };
            })();
            """;

    private static int refreshes(Chromium.Page page) {
        return page.eval("Number(document.getElementById('status').dataset.refreshes)").asInt();
    }

    /** Waits until no fetch of the page is open: no refresh is running (see {@link #PROBE}). */
    private static void awaitIdle(Chromium.Page page, String what) throws InterruptedException {
        page.await(what, WAIT, "window.__probe.fetchesOpen() === 0");
    }

    private static JsonNode awaitUpdated(Chromium.Page page) throws InterruptedException {
        return page.await("#status to say updated", WAIT,
                "(document.getElementById('status')?.textContent || '').startsWith('updated')");
    }

    @Test
    void showsTheLiveStateRotatesKeysAndIsNotBlank() throws Exception {
        try (TestUpstream up = upstream(); SluiceServer s = start("host: 127.0.0.1", up)) {
            for (int i = 0; i < 3; i++) {
                assertThat(Http.chat(s, Bodies.chat("p/m1", false, "hi " + i)).statusCode())
                        .isEqualTo(200);
            }
            assertThat(json(Http.get(s, "/api/monitoring/providers/p/tokens").body()).path("blocked").asInt())
                    .as("key A cools down after its 429").isEqualTo(1);

            try (Chromium browser = Chromium.launch(WIDTH, HEIGHT)) {
                Chromium.Page page = browser.page();
                page.viewport(WIDTH, HEIGHT);
                page.addScriptOnNewDocument(PROBE);
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
                int before = refreshes(page);
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

                // Live, the page refreshes on its own once its timer fires: run its timers now rather than wait.
                awaitIdle(page, "the refresh the Test button started to land");
                int live = refreshes(page);
                assertThat(page.eval("window.__probe.runTimers()").asInt())
                        .as("refresh timers pending while live: one, or none if it just fired").isLessThanOrEqualTo(1);
                page.await("a refresh when its timer fires", WAIT,
                        "Number(document.getElementById('status').dataset.refreshes) > " + live);

                // Pause stops the polling; resume starts it again.
                page.eval("document.getElementById('pause').click()");
                assertThat(page.text("document.getElementById('status').textContent")).endsWith("(paused)");
                awaitIdle(page, "a refresh already in flight to land");
                int paused = refreshes(page);
                int fetches = page.eval("window.__probe.fetchesStarted()").asInt();
                page.eval("window.__probe.runTimers()"); // as if any time had passed; a refresh fetches at once
                assertThat(page.eval("window.__probe.fetchesStarted()").asInt()).as("fetches started while paused")
                        .isEqualTo(fetches);
                assertThat(refreshes(page)).as("refreshes while paused").isEqualTo(paused);
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
