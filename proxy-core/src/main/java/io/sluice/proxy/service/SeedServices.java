package io.sluice.proxy.service;

/**
 * The GitHub-Models seed's helper endpoints (issue 17 items 7 and 9): model calls ({@code /v1/simple-chat},
 * {@code /v1/proxy}, {@code /v1/test-model}), catalog advice ({@code /v1/recommend-model},
 * {@code /v1/check-context}) and speech ({@code /tts}). {@code /v1/history} is the admin API's.
 */
public record SeedServices(HelperService helpers, AdviceService advice, TtsService tts) {
}
