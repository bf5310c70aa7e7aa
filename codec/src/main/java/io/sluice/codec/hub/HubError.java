package io.sluice.codec.hub;

/**
 * An error in the hub's terms, from an upstream error body, a mid-stream error event, or Sluice itself.
 *
 * @param status  the HTTP status it maps to (for mid-stream errors, the status the error would have had)
 * @param type    one of the {@code TYPE_*} constants (Anthropic's error vocabulary, the richest of the dialects)
 * @param message human-readable, never containing secrets
 * @param code    a machine-readable code for dialects that carry one (OpenAI's {@code code}: {@code model_not_found},
 *                {@code rate_limit_exceeded}), or null to derive one from {@code type}
 * @param param   the request field at fault (OpenAI's {@code param}), or null
 */
public record HubError(int status, String type, String message, String code, String param) {

    /** An error without a code of its own. */
    public HubError(int status, String type, String message) {
        this(status, type, message, null, null);
    }

    /** This error with {@code code} (and {@code param}, may be null) set. */
    public HubError withCode(String code, String param) {
        return new HubError(status, type, message, code, param);
    }

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String API_ERROR = "api_error";
    public static final String OVERLOADED = "overloaded_error";
    public static final String TIMEOUT = "timeout_error";

    /** The hub type for an HTTP status, for errors that came without a usable type. */
    public static String typeFor(int status) {
        return switch (status) {
            case 400, 422 -> INVALID_REQUEST;
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 404 -> NOT_FOUND;
            case 408, 504 -> TIMEOUT;
            case 413 -> REQUEST_TOO_LARGE;
            case 429 -> RATE_LIMIT;
            case 503, 529 -> OVERLOADED;
            default -> status >= 400 && status < 500 ? INVALID_REQUEST : API_ERROR;
        };
    }

    /** The status for a hub type, for mid-stream errors that carry only a type. */
    public static int statusFor(String type) {
        return switch (type == null ? "" : type) {
            case INVALID_REQUEST -> 400;
            case AUTHENTICATION -> 401;
            case PERMISSION -> 403;
            case NOT_FOUND -> 404;
            case REQUEST_TOO_LARGE -> 413;
            case RATE_LIMIT -> 429;
            case TIMEOUT -> 504;
            case OVERLOADED -> 529;
            default -> 500;
        };
    }

    public static HubError of(int status, String message) {
        return new HubError(status, typeFor(status), message);
    }

    /** The stream stopped before the provider's terminal event (connection cut, truncated body). */
    public static HubError truncated() {
        return new HubError(502, API_ERROR, "upstream stream ended before its terminal event");
    }
}
