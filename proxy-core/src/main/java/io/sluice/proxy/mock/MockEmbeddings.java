package io.sluice.proxy.mock;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.json.JsonText;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The built-in mock's answer to {@code POST /v1/embeddings}, in OpenAI's shape: one vector per input, derived from a
 * hash of the input alone (same text, same vector, whatever the model), L2-normalised, {@link #DEFAULT_DIMENSIONS}
 * long unless the request gives {@code dimensions}. {@code encoding_format: "base64"} gives each vector as the
 * base64 of its little-endian float32 values, as OpenAI does. Token counts are estimates (4 characters a token;
 * a token array counts its length).
 */
final class MockEmbeddings {

    static final int DEFAULT_DIMENSIONS = 8;
    static final int MAX_DIMENSIONS = 4096;
    /** OpenAI's own limit of inputs per request. */
    static final int MAX_INPUTS = 2048;
    /** Inputs × dimensions: bounds the work done on the event loop and the response (about 12 MB as JSON). */
    static final int MAX_VALUES = 1 << 20;

    private static final String INPUT_EXPECTED =
            "expected: a string, an array of strings, an array of token ids or an array of token id arrays";

    /** One input: its text, or its token ids. */
    private record Input(String text, long[] tokens) {

        int tokenCount() {
            return tokens != null ? tokens.length : Math.max(1, (text.length() + 3) / 4);
        }

        long hash() {
            if (tokens == null) {
                return MockHash.of(text);
            }
            long h = MockHash.OFFSET_BASIS ^ 0x9e3779b97f4a7c15L; // token ids never hash like a text
            for (long t : tokens) {
                for (int i = 0; i < 8; i++) {
                    h = MockHash.next(h, (byte) (t >>> (8 * i)));
                }
            }
            return h;
        }
    }

    private MockEmbeddings() {
    }

    /** The response body for the request {@code root}; {@code model} is echoed as the client named it. */
    static String answer(String model, JsonNode root) throws MockRequestException {
        List<Input> inputs = inputs(root.get("input"));
        int dimensions = dimensions(root.get("dimensions"));
        boolean base64 = base64(root.get("encoding_format"));
        if ((long) inputs.size() * dimensions > MAX_VALUES) {
            throw new MockRequestException("input: " + inputs.size() + " inputs of " + dimensions
                    + " dimensions (expected: at most " + MAX_VALUES + " values in all from the mock provider)");
        }
        JsonText out = new JsonText().begin().field("object", "list").array("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            tokens += in.tokenCount();
            float[] v = vector(in.hash(), dimensions);
            int index = i;
            out.beginObject().field("object", "embedding").field("index", index);
            if (base64) {
                out.field("embedding", base64(v));
            } else {
                out.io(() -> {
                    JsonGenerator g = out.gen();
                    g.writeArrayFieldStart("embedding");
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                });
            }
            out.end();
        }
        return out.endArray().field("model", model).begin("usage").field("prompt_tokens", tokens)
                .field("total_tokens", tokens).end().end().toString();
    }

    private static List<Input> inputs(JsonNode input) throws MockRequestException {
        if (input == null || input.isNull()) {
            throw new MockRequestException("input: missing (" + INPUT_EXPECTED + ")");
        }
        List<Input> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(new Input(input.textValue(), null));
            return out;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new MockRequestException("input: " + (input.isArray() ? "empty array" : input.getNodeType()
                    .toString().toLowerCase(java.util.Locale.ROOT)) + " (" + INPUT_EXPECTED + ")");
        }
        if (input.size() > MAX_INPUTS) {
            throw new MockRequestException("input: " + input.size() + " inputs (expected: at most " + MAX_INPUTS + ")");
        }
        if (input.get(0).isIntegralNumber()) {
            out.add(new Input(null, tokens(input, "input")));
            return out;
        }
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isTextual()) {
                out.add(new Input(item.textValue(), null));
            } else if (item.isArray() && !item.isEmpty()) {
                out.add(new Input(null, tokens(item, "input[" + i + "]")));
            } else {
                throw new MockRequestException("input[" + i + "]: not a string or a non-empty array of token ids ("
                        + INPUT_EXPECTED + ")");
            }
        }
        return out;
    }

    private static long[] tokens(JsonNode array, String where) throws MockRequestException {
        long[] tokens = new long[array.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.longValue() < 0) {
                throw new MockRequestException(where + "[" + i + "]: " + t
                        + " (expected: a token id, an integer >= 0)");
            }
            tokens[i] = t.longValue();
        }
        return tokens;
    }

    private static int dimensions(JsonNode n) throws MockRequestException {
        if (n == null || n.isNull()) {
            return DEFAULT_DIMENSIONS;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1 || n.intValue() > MAX_DIMENSIONS) {
            throw new MockRequestException("dimensions: " + n + " (expected: an integer from 1 to " + MAX_DIMENSIONS
                    + ")");
        }
        return n.intValue();
    }

    private static boolean base64(JsonNode n) throws MockRequestException {
        if (n == null || n.isNull() || "float".equals(n.textValue())) {
            return false;
        }
        if ("base64".equals(n.textValue())) {
            return true;
        }
        throw new MockRequestException("encoding_format: " + n + " (expected: \"float\" or \"base64\")");
    }

    /** {@code dimensions} values from a SplitMix64 sequence seeded with {@code seed}, scaled to unit length. */
    static float[] vector(long seed, int dimensions) {
        double[] d = new double[dimensions];
        double sum = 0;
        long state = seed;
        for (int i = 0; i < dimensions; i++) {
            state += 0x9e3779b97f4a7c15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z ^= z >>> 31;
            d[i] = (z >>> 11) * 0x1.0p-53 * 2 - 1; // uniform in [-1, 1)
            sum += d[i] * d[i];
        }
        float[] v = new float[dimensions];
        if (sum == 0) {
            v[0] = 1; // all zeros is not a direction; practically unreachable
            return v;
        }
        double norm = Math.sqrt(sum);
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) (d[i] / norm);
        }
        return v;
    }

    private static String base64(float[] v) {
        ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            bytes.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
