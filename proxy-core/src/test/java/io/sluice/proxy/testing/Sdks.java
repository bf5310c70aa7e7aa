package io.sluice.proxy.testing;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.sluice.proxy.SluiceServer;

/**
 * The official OpenAI and Anthropic SDKs pointed at a running {@link SluiceServer}, as the end-to-end tests use them:
 * no retries of their own (a retry would hide what Sluice answered) and {@link Http#TIMEOUT}. Close what you open.
 */
public final class Sdks {

    /** The key the SDKs send Sluice unless a test needs another: it must never reach an upstream. */
    public static final String CLIENT_KEY = "sk-client-key-never-forwarded";

    private Sdks() {
    }

    /** The OpenAI SDK on {@code s}'s {@code /v1} with {@code apiKey}. */
    public static OpenAIClient openAi(SluiceServer s, String apiKey) {
        return openAi(Http.base(s) + "/v1", apiKey);
    }

    /** The OpenAI SDK on {@code baseUrl} (say a per-provider route) with {@code apiKey}. */
    public static OpenAIClient openAi(String baseUrl, String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(apiKey).maxRetries(0).timeout(Http.TIMEOUT)
                .build();
    }

    /** The Anthropic SDK on {@code s} with {@code apiKey}. */
    public static AnthropicClient anthropic(SluiceServer s, String apiKey) {
        return AnthropicOkHttpClient.builder().baseUrl(Http.base(s)).apiKey(apiKey).maxRetries(0)
                .timeout(Http.TIMEOUT).build();
    }
}
