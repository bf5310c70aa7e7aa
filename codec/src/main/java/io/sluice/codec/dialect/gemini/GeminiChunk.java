package io.sluice.codec.dialect.gemini;

import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code GenerateContentResponse} said, as {@link GeminiChunkParser} reads it: the first candidate's parts in
 * order, its finish reason, the prompt feedback, usage, ids, or an error object. Gemini sends {@code responseId} and
 * {@code modelVersion} after the candidates, so a response is read whole before any event goes out. One instance is
 * reused for every event of a stream.
 */
final class GeminiChunk {

    enum Kind { TEXT, THOUGHT, CALL }

    /** One part of the first candidate's content. */
    static final class PartIn {
        Kind kind;
        String text;
        String signature;
        String callId;
        String name;
        /** Compact JSON of {@code functionCall.args}; null when absent. */
        String args;
    }

    static final long ABSENT = -1;

    String responseId;
    String modelVersion;
    final List<PartIn> parts = new ArrayList<>(2);
    boolean hasCandidate;
    String finishReason;
    String blockReason;

    boolean hasUsage;
    long promptTokens;
    long candidatesTokens;
    long totalTokens;
    long cachedTokens;
    long thoughtsTokens;
    long toolUsePromptTokens;

    boolean hasError;
    int errorCode;
    String errorMessage;
    String errorStatus;

    /** Something a {@code GenerateContentResponse} says; an empty object ({@code {}}) says nothing. */
    boolean isResponse() {
        return hasCandidate || blockReason != null || hasUsage || responseId != null || modelVersion != null;
    }

    void reset() {
        responseId = null;
        modelVersion = null;
        parts.clear();
        hasCandidate = false;
        finishReason = null;
        blockReason = null;
        hasUsage = false;
        promptTokens = ABSENT;
        candidatesTokens = ABSENT;
        totalTokens = ABSENT;
        cachedTokens = ABSENT;
        thoughtsTokens = ABSENT;
        toolUsePromptTokens = ABSENT;
        hasError = false;
        errorCode = 0;
        errorMessage = null;
        errorStatus = null;
    }
}
