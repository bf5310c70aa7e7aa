package io.sluice.proxy.schedule;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which {@link Scope} an upstream failure belongs to, so that a request's own mistake never cools a key and a
 * model-scoped rate limit never cools the models that still work on that key. Error bodies are read as text,
 * only their first {@value #BODY_SCAN_CHARS} characters; nothing here throws.
 */
public final class FailureClassifier {

    /** How much of an error body is examined: provider error JSON is short; an HTML error page is not worth more. */
    static final int BODY_SCAN_CHARS = 4096;
    /** Retry-After values beyond this are clamped: a key is retried within the hour whatever the upstream says. */
    static final long MAX_RETRY_AFTER_NANOS = TimeUnit.HOURS.toNanos(1);

    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);
    /** Gemini upstream model ids come as "models/gemini-…" in some paths; bodies name the bare id. */
    private static final String GEMINI_MODEL_PREFIX = "models/";
    /** The ErrorInfo reason of Gemini's 400 for a bad key ("API key not valid. Please pass a valid API key."). */
    private static final String GEMINI_BAD_KEY = "api_key_invalid";
    /** A snapshot date ending a model id: "-2024-08-06" (OpenAI) or "-20241022" (Anthropic). */
    private static final Pattern SNAPSHOT_DATE = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

    /** RFC 9110 §5.6.7 obsolete date forms recipients must still accept: RFC 850 and asctime. */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US); // HTTP dates are English whatever the locale
    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("EEE MMM")
            .appendLiteral(' ')
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("d HH:mm:ss yyyy")
            .toFormatter(Locale.US); // HTTP dates are English whatever the locale

    private FailureClassifier() {
    }

    /**
     * Scope of an upstream HTTP error answer. 400/413/422 → REQUEST; 404 → MODEL when the body mentions the model or
     * "model" (model_not_found, "The model … does not exist", Gemini's NOT_FOUND for models/…), else REQUEST;
     * 401/402/403 → KEY; 429 → MODEL when the body names {@code upstreamModel} (OpenAI "Rate limit reached for gpt-4o
     * in organization …", Gemini's quota metric with "model: …"), else KEY; 408, 425, 5xx (529 included) → PROVIDER;
     * 409 and any other 4xx → REQUEST. A status that is not an error (1xx-3xx) means the upstream answered nonsense:
     * PROVIDER, like {@link #ofTransport()}. One refinement: a 400 whose body carries Gemini's API_KEY_INVALID reason
     * is KEY, since Gemini reports a bad key that way. {@code body} may be null or huge; never throws.
     *
     * <p>A dated snapshot counts as named by its family: a 429 for "gpt-4o-2024-08-06" that says "Rate limit reached
     * for gpt-4o" is MODEL, as OpenAI and Anthropic share one limit across a model's snapshots.
     */
    public static Scope ofStatus(int status, String body, String upstreamModel) {
        switch (status) {
            case 400:
                // Gemini answers a bad key with 400 INVALID_ARGUMENT: a request-scoped status for a key-scoped fault.
                return head(body).contains(GEMINI_BAD_KEY) ? Scope.KEY : Scope.REQUEST;
            case 401, 402, 403:
                return Scope.KEY;
            case 404:
                return mentionsModel(head(body), upstreamModel, true) ? Scope.MODEL : Scope.REQUEST;
            case 408, 425:
                return Scope.PROVIDER;
            case 429:
                return mentionsModel(head(body), upstreamModel, false) ? Scope.MODEL : Scope.KEY;
            default:
                if (status >= 400 && status < 500) {
                    return Scope.REQUEST; // 400, 409, 413, 422 and the rest: the request's own fault
                }
                return Scope.PROVIDER;
        }
    }

    /** Connect error, reset, timeout, a 200 carrying an error, a stream that ended without its terminal event. */
    public static Scope ofTransport() {
        return Scope.PROVIDER;
    }

    /**
     * A Retry-After header value (delta seconds, or an HTTP-date in any of the three RFC 9110 forms) in nanos from
     * {@code nowEpochMillis}: 0 for a date already past, at most one hour, -1 when absent, negative or unparseable.
     * Fractional seconds ("1.5") are accepted although the RFC allows only integers: some upstreams send them.
     */
    public static long retryAfterNanos(String headerValue, long nowEpochMillis) {
        if (headerValue == null) {
            return -1;
        }
        String v = headerValue.trim();
        if (v.isEmpty()) {
            return -1;
        }
        try {
            char first = v.charAt(0);
            if (first >= '0' && first <= '9') {
                return deltaSeconds(v);
            }
            long epochMillis = httpDateMillis(v);
            if (epochMillis == Long.MIN_VALUE) {
                return -1;
            }
            long deltaMillis = epochMillis - nowEpochMillis;
            if (deltaMillis <= 0) {
                return 0;
            }
            return Math.min(MAX_RETRY_AFTER_NANOS, TimeUnit.MILLISECONDS.toNanos(deltaMillis));
        } catch (RuntimeException e) {
            return -1; // belt and braces: a header is never worth an exception
        }
    }

    /** "120" or "1.5": digits, an optional fraction; else -1. Saturates at the cap instead of overflowing. */
    private static long deltaSeconds(String v) {
        long nanos = 0;
        int i = 0;
        int n = v.length();
        for (; i < n && v.charAt(i) != '.'; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            nanos = nanos * 10 + (c - '0') * NANOS_PER_SECOND;
            if (nanos >= MAX_RETRY_AFTER_NANOS) {
                return allDigitsOrDot(v, i + 1) ? MAX_RETRY_AFTER_NANOS : -1;
            }
        }
        if (i < n) {
            i++; // the '.'
            if (i == n) {
                return -1;
            }
            long scale = NANOS_PER_SECOND / 10;
            for (; i < n; i++) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                nanos += (c - '0') * scale;
                scale /= 10;
            }
        }
        return nanos;
    }

    private static boolean allDigitsOrDot(String v, int from) {
        boolean dot = false;
        for (int i = from; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '.' && !dot) {
                dot = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Epoch millis of an IMF-fixdate, RFC 850 or asctime date; Long.MIN_VALUE when it is none of them. */
    private static long httpDateMillis(String v) {
        try {
            return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            // try the obsolete forms
        }
        try {
            return LocalDateTime.parse(v, RFC_850).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeException e) {
            // try asctime
        }
        try {
            return LocalDateTime.parse(v, ASCTIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The first {@link #BODY_SCAN_CHARS} characters of body, lower-cased; "" for null. */
    private static String head(String body) {
        if (body == null) {
            return "";
        }
        String h = body.length() > BODY_SCAN_CHARS ? body.substring(0, BODY_SCAN_CHARS) : body;
        return h.toLowerCase(Locale.ROOT);
    }

    /**
     * Whether {@code lowerBody} names {@code upstreamModel} as a whole id ("gpt-4o" is not named by "gpt-4o-mini"),
     * or, when {@code anyModelWord}, mentions "model" at all.
     */
    private static boolean mentionsModel(String lowerBody, String upstreamModel, boolean anyModelWord) {
        if (anyModelWord && lowerBody.contains("model")) {
            return true;
        }
        if (upstreamModel == null || upstreamModel.isEmpty()) {
            return false;
        }
        String model = upstreamModel.toLowerCase(Locale.ROOT);
        if (model.startsWith(GEMINI_MODEL_PREFIX) && model.length() > GEMINI_MODEL_PREFIX.length()) {
            model = model.substring(GEMINI_MODEL_PREFIX.length());
        }
        if (names(lowerBody, model)) {
            return true;
        }
        Matcher dated = SNAPSHOT_DATE.matcher(model);
        return dated.find() && dated.start() > 0 && names(lowerBody, model.substring(0, dated.start()));
    }

    /** Whether lowerBody holds model as a whole id, not as part of a longer one. */
    private static boolean names(String lowerBody, String model) {
        for (int at = lowerBody.indexOf(model); at >= 0; at = lowerBody.indexOf(model, at + 1)) {
            int end = at + model.length();
            if ((at == 0 || !isIdChar(lowerBody, at - 1)) && (end == lowerBody.length() || !isIdChar(lowerBody, end))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the char at i continues a model id: letters, digits, '-', '_', and a '.' followed by one of those. */
    private static boolean isIdChar(String s, int i) {
        char c = s.charAt(i);
        if (c == '.') {
            return i + 1 < s.length() && isIdLetter(s.charAt(i + 1));
        }
        return isIdLetter(c);
    }

    private static boolean isIdLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
