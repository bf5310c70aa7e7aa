package io.sluice.proxy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link FailureClassifier} on error bodies as the providers send them, and on Retry-After values. */
class FailureClassifierTest {

    static final String OPENAI_429_TPM = """
            {
                "error": {
                    "message": "Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): \
            Limit 30000, Used 28837, Requested 1849. Please try again in 1.372s. Visit \
            https://platform.openai.com/account/rate-limits to learn more.",
                    "type": "tokens",
                    "param": null,
                    "code": "rate_limit_exceeded"
                }
            }""";
    static final String OPENAI_429_QUOTA = """
            {
                "error": {
                    "message": "You exceeded your current quota, please check your plan and billing details. For more \
            information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                    "type": "insufficient_quota",
                    "param": null,
                    "code": "insufficient_quota"
                }
            }""";
    static final String OPENAI_401 = """
            {
              "error": {
                "message": "Incorrect API key provided: sk-abc***xyz. You can find your API key at \
            https://platform.openai.com/account/api-keys.",
                "type": "invalid_request_error",
                "param": null,
                "code": "invalid_api_key"
              }
            }""";
    static final String OPENAI_400_CONTEXT = """
            {
              "error": {
                "message": "This model's maximum context length is 128000 tokens. However, your messages resulted in \
            130567 tokens. Please reduce the length of the messages.",
                "type": "invalid_request_error",
                "param": "messages",
                "code": "context_length_exceeded"
              }
            }""";
    static final String OPENAI_404_MODEL = """
            {
              "error": {
                "message": "The model `gpt-5-turbo` does not exist or you do not have access to it.",
                "type": "invalid_request_error",
                "param": null,
                "code": "model_not_found"
              }
            }""";
    static final String ANTHROPIC_529 = """
            {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""";
    static final String ANTHROPIC_429 = """
            {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit \
            for your organization (3f5a6c1e-0000-4000-8000-000000000000) of 30,000 input tokens per minute. For \
            details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for \
            current usage. Please reduce the prompt length or the maximum tokens requested, or try again later."}}""";
    static final String ANTHROPIC_429_MODEL = """
            {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your \
            organization's rate limit of 30,000 input tokens per minute (org: 3f5a6c1e, model: \
            claude-sonnet-4-20250514). For details, refer to: https://docs.claude.com/en/api/rate-limits."}}""";
    static final String GEMINI_429 = """
            {
              "error": {
                "code": 429,
                "message": "You exceeded your current quota, please check your plan and billing details. For more \
            information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\\n* Quota exceeded \
            for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: \
            gemini-2.0-flash\\nPlease retry in 40.470848052s.",
                "status": "RESOURCE_EXHAUSTED",
                "details": [
                  {
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [
                      {
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                        "quotaDimensions": {
                          "location": "global",
                          "model": "gemini-2.0-flash"
                        },
                        "quotaValue": "10"
                      }
                    ]
                  },
                  {
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    "retryDelay": "40s"
                  }
                ]
              }
            }""";
    static final String GEMINI_400 = """
            {
              "error": {
                "code": 400,
                "message": "Invalid JSON payload received. Unknown name \\"additionalProperties\\" at \
            'tools[0].function_declarations[0].parameters': Cannot find field.",
                "status": "INVALID_ARGUMENT",
                "details": [
                  {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [
                      {
                        "field": "tools[0].function_declarations[0].parameters",
                        "description": "Invalid JSON payload received. Unknown name \\"additionalProperties\\""
                      }
                    ]
                  }
                ]
              }
            }""";
    static final String GEMINI_400_BAD_KEY = """
            {
              "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [
                  {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"}
                  }
                ]
              }
            }""";
    static final String GEMINI_404 = """
            {
              "error": {
                "code": 404,
                "message": "models/gemini-9.0-pro is not found for API version v1beta, or is not supported for \
            generateContent. Call ListModels to see the list of available models and their supported methods.",
                "status": "NOT_FOUND"
              }
            }""";
    static final String DEEPSEEK_402 = """
            {"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,\
            "code":"invalid_request_error"}}""";
    static final String OPENROUTER_402 = """
            {"error":{"message":"This request requires more credits, or fewer max_tokens. You requested up to 4096 \
            tokens, but can only afford 1021. To increase, visit https://openrouter.ai/settings/credits and upgrade \
            to a paid account","code":402,"metadata":{"provider_name":null}}}""";
    static final String HTML_502 = """
            <html>
            <head><title>502 Bad Gateway</title></head>
            <body>
            <center><h1>502 Bad Gateway</h1></center>
            <hr><center>cloudflare</center>
            </body>
            </html>
            """;

    @Test
    void openAiRateLimitNamingTheModelIsModelScoped() {
        assertThat(FailureClassifier.ofStatus(429, OPENAI_429_TPM, "gpt-4o")).isEqualTo(Scope.MODEL);
        // the limit of a snapshot is its family's
        assertThat(FailureClassifier.ofStatus(429, OPENAI_429_TPM, "gpt-4o-2024-08-06")).isEqualTo(Scope.MODEL);
    }

    @Test
    void rateLimitNamingAnotherModelIsKeyScoped() {
        // "gpt-4o" in the body is not "gpt-4o-mini": whole ids only
        assertThat(FailureClassifier.ofStatus(429, OPENAI_429_TPM, "gpt-4o-mini")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(429, OPENAI_429_TPM, "gpt-4")).isEqualTo(Scope.KEY);
    }

    @Test
    void rateLimitWithoutTheModelIsKeyScoped() {
        assertThat(FailureClassifier.ofStatus(429, OPENAI_429_QUOTA, "gpt-4o")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(429, ANTHROPIC_429, "claude-sonnet-4-20250514")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(429, null, "gpt-4o")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(429, OPENAI_429_TPM, null)).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(429, "", "")).isEqualTo(Scope.KEY);
    }

    @Test
    void anthropicRateLimitNamingTheModelIsModelScoped() {
        assertThat(FailureClassifier.ofStatus(429, ANTHROPIC_429_MODEL, "claude-sonnet-4-20250514"))
                .isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(429, ANTHROPIC_429_MODEL, "claude-opus-4-20250514"))
                .isEqualTo(Scope.KEY);
    }

    @Test
    void geminiQuotaMetricNamingTheModelIsModelScoped() {
        assertThat(FailureClassifier.ofStatus(429, GEMINI_429, "gemini-2.0-flash")).isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(429, GEMINI_429, "models/gemini-2.0-flash")).isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(429, GEMINI_429, "Gemini-2.0-Flash")).isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(429, GEMINI_429, "gemini-2.0-flash-lite")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(429, GEMINI_429, "gemini-2.0")).isEqualTo(Scope.KEY);
    }

    @Test
    void badKeysAreKeyScoped() {
        assertThat(FailureClassifier.ofStatus(401, OPENAI_401, "gpt-4o")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(402, DEEPSEEK_402, "deepseek-chat")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(402, OPENROUTER_402, "openai/gpt-4o")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(403, null, null)).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(400, GEMINI_400_BAD_KEY, "gemini-2.0-flash")).isEqualTo(Scope.KEY);
    }

    @Test
    void badRequestsAreRequestScopedEvenWhenTheyMentionTheModel() {
        assertThat(FailureClassifier.ofStatus(400, OPENAI_400_CONTEXT, "gpt-4o")).isEqualTo(Scope.REQUEST);
        assertThat(FailureClassifier.ofStatus(400, GEMINI_400, "gemini-2.0-flash")).isEqualTo(Scope.REQUEST);
        assertThat(FailureClassifier.ofStatus(413, "request entity too large", "gpt-4o")).isEqualTo(Scope.REQUEST);
        assertThat(FailureClassifier.ofStatus(422, "{\"detail\":\"model field required\"}", "m"))
                .isEqualTo(Scope.REQUEST);
        assertThat(FailureClassifier.ofStatus(409, null, null)).isEqualTo(Scope.REQUEST);
        assertThat(FailureClassifier.ofStatus(418, null, null)).isEqualTo(Scope.REQUEST);
        assertThat(FailureClassifier.ofStatus(451, null, null)).isEqualTo(Scope.REQUEST);
    }

    @Test
    void notFoundIsModelScopedOnlyWhenAboutTheModel() {
        assertThat(FailureClassifier.ofStatus(404, OPENAI_404_MODEL, "gpt-5-turbo")).isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(404, GEMINI_404, "gemini-9.0-pro")).isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(404, "{\"detail\":\"deployment my-gpt does not exist\"}", "my-gpt"))
                .isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(404, "<html><body>Not Found</body></html>", "gpt-4o"))
                .isEqualTo(Scope.REQUEST);
        assertThat(FailureClassifier.ofStatus(404, null, "gpt-4o")).isEqualTo(Scope.REQUEST);
    }

    @Test
    void providerTroubleIsProviderScoped() {
        assertThat(FailureClassifier.ofStatus(529, ANTHROPIC_529, "claude-sonnet-4-20250514"))
                .isEqualTo(Scope.PROVIDER);
        assertThat(FailureClassifier.ofStatus(502, HTML_502, "gpt-4o")).isEqualTo(Scope.PROVIDER);
        for (int status : new int[] {408, 425, 500, 503, 504, 599}) {
            assertThat(FailureClassifier.ofStatus(status, null, null)).as("%d", status).isEqualTo(Scope.PROVIDER);
        }
        assertThat(FailureClassifier.ofTransport()).isEqualTo(Scope.PROVIDER);
    }

    @Test
    void nonErrorStatusesAreProviderScopedAndNothingThrows() {
        for (int status : new int[] {-1, 0, 100, 200, 204, 302, 600, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertThat(FailureClassifier.ofStatus(status, "{", "x")).as("%d", status).isEqualTo(Scope.PROVIDER);
        }
    }

    @Test
    void onlyTheFirst4KiBOfABodyIsRead() {
        String filler = "x".repeat(FailureClassifier.BODY_SCAN_CHARS);
        String late = filler + " model: gemini-2.0-flash";
        assertThat(FailureClassifier.ofStatus(429, late, "gemini-2.0-flash")).isEqualTo(Scope.KEY);
        String huge = "model: gemini-2.0-flash " + "y".repeat(8 << 20);
        assertThat(FailureClassifier.ofStatus(429, huge, "gemini-2.0-flash")).isEqualTo(Scope.MODEL);
    }

    @Test
    void modelAtTheVeryEdgesOfTheBody() {
        assertThat(FailureClassifier.ofStatus(429, "gpt-4o", "gpt-4o")).isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(429, "limit for gpt-4o.", "gpt-4o")).isEqualTo(Scope.MODEL);
        assertThat(FailureClassifier.ofStatus(429, "limit for gpt-4o.1", "gpt-4o")).isEqualTo(Scope.KEY);
        assertThat(FailureClassifier.ofStatus(429, "limit for xgpt-4o", "gpt-4o")).isEqualTo(Scope.KEY);
    }

    // ---- Retry-After

    private static final long NOW = ZonedDateTime.parse("2015-10-21T07:26:30Z").toInstant().toEpochMilli();

    @Test
    void retryAfterSeconds() {
        assertThat(FailureClassifier.retryAfterNanos("120", NOW)).isEqualTo(TimeUnit.SECONDS.toNanos(120));
        assertThat(FailureClassifier.retryAfterNanos("0", NOW)).isZero();
        assertThat(FailureClassifier.retryAfterNanos(" 30 ", NOW)).isEqualTo(TimeUnit.SECONDS.toNanos(30));
        assertThat(FailureClassifier.retryAfterNanos("1.5", NOW)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(FailureClassifier.retryAfterNanos("0.001", NOW)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
    }

    @Test
    void retryAfterIsCappedAtAnHour() {
        long hour = TimeUnit.HOURS.toNanos(1);
        assertThat(FailureClassifier.retryAfterNanos("3600", NOW)).isEqualTo(hour);
        assertThat(FailureClassifier.retryAfterNanos("86400", NOW)).isEqualTo(hour);
        assertThat(FailureClassifier.retryAfterNanos("99999999999999999999999999", NOW)).isEqualTo(hour);
        assertThat(FailureClassifier.retryAfterNanos("Wed, 21 Oct 2099 07:28:00 GMT", NOW)).isEqualTo(hour);
    }

    @Test
    void retryAfterHttpDate() {
        assertThat(FailureClassifier.retryAfterNanos("Wed, 21 Oct 2015 07:28:00 GMT", NOW))
                .isEqualTo(TimeUnit.SECONDS.toNanos(90));
        assertThat(FailureClassifier.retryAfterNanos("Wednesday, 21-Oct-15 07:28:00 GMT", NOW))
                .isEqualTo(TimeUnit.SECONDS.toNanos(90));
        assertThat(FailureClassifier.retryAfterNanos("Wed Oct 21 07:28:00 2015", NOW))
                .isEqualTo(TimeUnit.SECONDS.toNanos(90));
        assertThat(FailureClassifier.retryAfterNanos("Thu Oct  1 07:28:00 2015", NOW)).isZero(); // past
        assertThat(FailureClassifier.retryAfterNanos("Wed, 21 Oct 2015 07:00:00 GMT", NOW)).isZero(); // past
    }

    @Test
    void retryAfterGarbageIsAbsent() {
        for (String v : new String[] {null, "", "  ", "-5", "-0", "abc", "12abc", "1.", "1.2.3", "1,5", "+5",
                "Wed, 21 Oct 2015 07:28:00", "Thu, 21 Oct 2015 07:28:00 GMT", "Wed, 32 Oct 2015 07:28:00 GMT",
                "1e3", "\u0661\u0662"}) {
            assertThat(FailureClassifier.retryAfterNanos(v, NOW)).as("\"%s\"", v).isEqualTo(-1);
        }
    }
}
