package io.sluice.proxy.mock;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.json.JsonText;
import java.util.Base64;

/**
 * The built-in mock's answer to {@code POST /v1/images/generations}, in OpenAI's shape: {@code n} small PNGs
 * ({@link MockPng}, drawn from a hash of the prompt and the image's index) as {@code b64_json}, or as
 * {@code data:image/png;base64,…} URLs with {@code response_format: "url"}. {@code size}, {@code quality} and the
 * like are accepted and ignored.
 */
final class MockImages {

    static final int MAX_IMAGES = 10;
    static final String DATA_URL_PREFIX = "data:image/png;base64,";

    private MockImages() {
    }

    /** The response body for the request {@code root}; {@code created} in Unix seconds. */
    static String answer(JsonNode root, long created) throws MockRequestException {
        JsonNode prompt = root.get("prompt");
        if (prompt == null || !prompt.isTextual() || prompt.textValue().isBlank()) {
            throw new MockRequestException("prompt: " + (prompt == null ? "missing" : prompt.isTextual() ? "blank"
                    : prompt.toString()) + " (expected: a non-empty string)");
        }
        int n = count(root.get("n"));
        boolean url = url(root.get("response_format"));
        String text = prompt.textValue();
        long hash = MockHash.of(text);
        JsonText out = new JsonText().begin().field("created", created).array("data");
        for (int i = 0; i < n; i++) {
            String png = Base64.getEncoder().encodeToString(MockPng.draw(hash + i * 0x9e3779b97f4a7c15L));
            out.beginObject().field(url ? "url" : "b64_json", url ? DATA_URL_PREFIX + png : png)
                    .field("revised_prompt", text).end();
        }
        return out.endArray().end().toString();
    }

    private static int count(JsonNode n) throws MockRequestException {
        if (n == null || n.isNull()) {
            return 1;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1 || n.intValue() > MAX_IMAGES) {
            throw new MockRequestException("n: " + n + " (expected: an integer from 1 to " + MAX_IMAGES + ")");
        }
        return n.intValue();
    }

    private static boolean url(JsonNode n) throws MockRequestException {
        if (n == null || n.isNull() || "b64_json".equals(n.textValue())) {
            return false;
        }
        if ("url".equals(n.textValue())) {
            return true;
        }
        throw new MockRequestException("response_format: " + n + " (expected: \"b64_json\" or \"url\")");
    }
}
