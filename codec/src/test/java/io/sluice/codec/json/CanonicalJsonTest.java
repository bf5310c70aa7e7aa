package io.sluice.codec.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link CanonicalJson}: what counts as the same document, what does not, and the budget. */
class CanonicalJsonTest {

    private static String hash(String json, Set<String> skip, ByteBuf buf) throws IOException {
        try {
            MessageDigest d = CanonicalJson.sha256();
            CanonicalJson.digest(buf, skip, d);
            assertThat(buf.readerIndex()).isZero();
            return HexFormat.of().formatHex(d.digest());
        } finally {
            buf.release();
        }
    }

    private static String hash(String json, Set<String> skip) throws IOException {
        String heap = hash(json, skip, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
        // The same through a direct buffer and through a composite of small pieces, as a request body arrives.
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer().writeBytes(json.getBytes(StandardCharsets.UTF_8));
        assertThat(hash(json, skip, direct)).isEqualTo(heap);
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        CompositeByteBuf pieces = ByteBufAllocator.DEFAULT.compositeDirectBuffer(1024);
        for (int i = 0; i < b.length; i += 7) {
            pieces.addComponent(true, ByteBufAllocator.DEFAULT.directBuffer().writeBytes(b, i,
                    Math.min(7, b.length - i)));
        }
        assertThat(hash(json, skip, pieces)).isEqualTo(heap);
        return heap;
    }

    private static String hash(String json) throws IOException {
        return hash(json, Set.of());
    }

    @Test
    void memberOrderWhitespaceAndEscapesDoNotMatter() throws IOException {
        String a = hash("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi A\"}],"
                + "\"temperature\":0.5}");
        assertThat(hash("{ \"temperature\" : 0.5 ,\n\t\"messages\": [ {\"content\":\"hi \\u0041\",\"role\":\"user\"} ],"
                + " \"model\":\"m\" }")).isEqualTo(a);
        assertThat(hash("{\"messages\":[{\"content\":\"hi A\",\"role\":\"user\"}],\"model\":\"m\","
                + "\"temperature\":5e-1}")).isEqualTo(a);
    }

    @Test
    void numbersCompareByValue() throws IOException {
        String one = hash("{\"t\":1}");
        assertThat(hash("{\"t\":1.0}")).isEqualTo(one);
        assertThat(hash("{\"t\":1e0}")).isEqualTo(one);
        assertThat(hash("{\"t\":10E-1}")).isEqualTo(one);
        assertThat(hash("{\"t\":0}")).isEqualTo(hash("{\"t\":-0.0}"));
        assertThat(hash("{\"t\":123456789012345678901234567890}"))
                .isEqualTo(hash("{\"t\":1.2345678901234567890123456789e29}"));
        assertThat(hash("{\"t\":1.5}")).isNotEqualTo(one);
        assertThat(hash("{\"t\":\"1\"}")).isNotEqualTo(one);
        assertThat(hash("{\"t\":true}")).isNotEqualTo(hash("{\"t\":\"true\"}"));
        assertThat(hash("{\"t\":null}")).isNotEqualTo(hash("{}"));
    }

    @Test
    void whatChangesTheMeaningChangesTheHash() throws IOException {
        String a = hash("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]}");
        assertThat(hash("{\"messages\":[{\"role\":\"user\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"a\"}]}"))
                .as("array order matters").isNotEqualTo(a);
        assertThat(hash("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"x\":[{\"role\":\"user\","
                + "\"content\":\"b\"}]}")).isNotEqualTo(a);
        // Names and values cannot be shifted into one another.
        assertThat(hash("{\"ab\":\"c\"}")).isNotEqualTo(hash("{\"a\":\"bc\"}"));
        assertThat(hash("{\"a\":[\"b\",\"c\"]}")).isNotEqualTo(hash("{\"a\":[\"bc\"]}"));
        assertThat(hash("{\"a\":{\"b\":1},\"c\":2}")).isNotEqualTo(hash("{\"a\":{\"b\":1,\"c\":2}}"));
        assertThat(hash("{\"a\":[]}")).isNotEqualTo(hash("{\"a\":{}}"));
        assertThat(hash("{\"a\":\"\uD83D\uDE00\"}")).isNotEqualTo(hash("{\"a\":\"\uD83D\uDE01\"}"));
    }

    @Test
    void duplicateNamesHashTheSameInAnyOrder() throws IOException {
        assertThat(hash("{\"a\":1,\"a\":2}")).isEqualTo(hash("{\"a\":2,\"a\":1}"));
    }

    @Test
    void skippedTopLevelMembersAreLeftOutOnlyAtTheTop() throws IOException {
        Set<String> skip = Set.of("user", "metadata", "stream");
        String a = hash("{\"model\":\"m\",\"x\":{\"user\":\"u1\"}}", skip);
        assertThat(hash("{\"user\":\"someone\",\"model\":\"m\",\"metadata\":{\"user_id\":\"9\"},\"stream\":true,"
                + "\"x\":{\"user\":\"u1\"}}", skip)).isEqualTo(a);
        assertThat(hash("{\"model\":\"m\",\"x\":{\"user\":\"u2\"}}", skip)).as("nested: kept").isNotEqualTo(a);
    }

    @Test
    void longStringsAndDeepNestingWork() throws IOException {
        String big = "x".repeat(300_000);
        assertThat(hash("{\"c\":\"" + big + "\"}")).isNotEqualTo(hash("{\"c\":\"" + big + "y\"}"));
        String deep = "[".repeat(500) + "]".repeat(500);
        assertThat(hash("{\"d\":" + deep + "}")).hasSize(64);
    }

    @Test
    void notOneJsonDocumentOrOverBudgetIsAnError() {
        MessageDigest d = CanonicalJson.sha256();
        for (String bad : new String[] {"", "{", "{\"a\":1} {}", "{\"a\":}", "[" .repeat(2000) + "]".repeat(2000)}) {
            ByteBuf b = Unpooled.wrappedBuffer(bad.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> CanonicalJson.digest(b, Set.of(), d)).as(bad.length() > 20 ? "deep" : bad)
                    .isInstanceOf(IOException.class);
        }
        ByteBuf utf16 = Unpooled.wrappedBuffer("{\"a\":1}".getBytes(StandardCharsets.UTF_16));
        assertThatThrownBy(() -> CanonicalJson.digest(utf16, Set.of(), d)).isInstanceOf(IOException.class);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < JsonLimits.MAX_REQUEST_TOKENS; i++) {
            many.append("0,");
        }
        many.append("0]");
        ByteBuf tokens = Unpooled.wrappedBuffer(many.toString().getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CanonicalJson.digest(tokens, Set.of(), d)).isInstanceOf(IOException.class);
    }
}
