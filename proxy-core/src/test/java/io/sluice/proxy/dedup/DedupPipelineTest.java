package io.sluice.proxy.dedup;

import static io.sluice.proxy.testing.Embedded.drain;
import static io.sluice.proxy.testing.Embedded.feed;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.HttpWire.Message;
import io.sluice.proxy.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Dedup behind the real client pipeline ({@code SluiceServer.initClientChannel}) on {@link EmbeddedChannel}s, each
 * client its own loop with its clock frozen, in front of the built-in mock echoing one word every 100 ms: request
 * bytes fed 1 byte, 7 bytes and whole; what each client gets parsed as a client would.
 */
class DedupPipelineTest {

    private static final String BODY = "{\"model\":\"mock/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"one two three four\"}]}";
    private static final String SAME = "{ \"messages\": [ { \"content\": \"one two three four\","
            + " \"role\": \"user\" } ], \"stream\": true, \"model\": \"mock/echo\" }";

    private TestProxy proxy;

    @BeforeEach
    void setUp() {
        proxy = TestProxy.builder().mock("100ms", 1).sections("dedup:\n  enabled: true\n").build();
    }

    @AfterEach
    void tearDown() {
        proxy.close();
    }

    private static String post(String body) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** Moves every loop's clock by {@code millis} and runs what came due, twice (tasks post tasks to other loops). */
    private static void advance(long millis, EmbeddedChannel... loops) {
        for (EmbeddedChannel c : loops) {
            c.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < 3; i++) {
            for (EmbeddedChannel c : loops) {
                c.runPendingTasks();
                c.runScheduledPendingTasks();
            }
        }
    }

    /** The response's last chunk came. */
    private static boolean ended(ByteArrayOutputStream got) {
        return got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void aSecondClientOnAnotherLoopSharesTheStreamAndAThirdIsAHit(int size) {
        EmbeddedChannel a = proxy.client();
        EmbeddedChannel b = proxy.client();
        EmbeddedChannel c = proxy.client();
        try {
            ByteArrayOutputStream gotA = new ByteArrayOutputStream();
            ByteArrayOutputStream gotB = new ByteArrayOutputStream();
            feed(a, post(BODY), size);
            advance(150, a);
            gotA.writeBytes(drain(a));
            feed(b, post(SAME), size);
            advance(0, a, b);
            for (int i = 0; i < 100 && !(ended(gotA) && ended(gotB)); i++) {
                advance(100, a, b);
                gotA.writeBytes(drain(a));
                gotB.writeBytes(drain(b));
            }
            Message ma = HttpWire.responses(gotA.toByteArray()).get(0);
            Message mb = HttpWire.responses(gotB.toByteArray()).get(0);
            assertThat(ma.complete()).isTrue();
            assertThat(mb.complete()).isTrue();
            assertThat(ma.header("x-sluice-cache")).isEqualTo("miss");
            assertThat(mb.header("x-sluice-cache")).isEqualTo("coalesced");
            String text = new String(ma.body(), StandardCharsets.UTF_8);
            assertThat(text).endsWith("data: [DONE]\n\n");
            assertThat(new String(mb.body(), StandardCharsets.UTF_8)).isEqualTo(text);

            feed(c, post(BODY), size);
            advance(0, c);
            List<Message> mc = HttpWire.responses(drain(c));
            assertThat(mc).hasSize(1);
            assertThat(mc.get(0).header("x-sluice-cache")).isEqualTo("hit");
            assertThat(new String(mc.get(0).body(), StandardCharsets.UTF_8)).isEqualTo(text);
            assertThat(proxy.requests("POST", "/v1/chat/completions", 200)).isEqualTo(3);
        } finally {
            a.finishAndReleaseAll();
            b.finishAndReleaseAll();
            c.finishAndReleaseAll();
        }
    }
}
