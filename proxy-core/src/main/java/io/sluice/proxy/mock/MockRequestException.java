package io.sluice.proxy.mock;

/**
 * A request the mock provider refuses as OpenAI would (400 {@code invalid_request}); the message names the field and
 * what was expected: {@code "n: 11 (expected: 1 to 10)"}. Caught by {@link MockExchange}, never thrown further.
 */
final class MockRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    MockRequestException(String message) {
        super(message, null, false, false); // a result, not a failure: no stack trace
    }
}
