package io.sluice.proxy.state;

import java.util.List;

/**
 * One Responses API answer as Sluice keeps it, for {@code previous_response_id}, {@code item_reference} and
 * {@code GET /v1/responses/{id}}. The JSON is kept as UTF-8 text: parsed when used, written to disk as it is.
 *
 * @param scope       whose it is: the client key's name, or {@code ""} for requests without a key; another scope
 *                    never sees it
 * @param id          the response id the client saw
 * @param storedAt    when it was stored (epoch millis): the TTL counts from here
 * @param input       the request's input items as expanded (references replaced, earlier turns prepended): a JSON array
 * @param response    the response object as the client saw it (non-streaming body, or the terminal stream event's)
 * @param itemIds     the ids of the items in {@code input} and the response's {@code output}, for item references
 */
public record StoredResponse(String scope, String id, long storedAt, byte[] input, byte[] response,
                             List<String> itemIds) {

    /** Bookkeeping counted per answer on top of its JSON, so that many tiny answers are capped too. */
    static final int OVERHEAD_BYTES = 256;

    public StoredResponse {
        itemIds = List.copyOf(itemIds);
    }

    /** What this answer counts against {@code maxBytes}. */
    public long bytes() {
        long ids = 0;
        for (String s : itemIds) {
            ids += s.length() + 32;
        }
        return (long) input.length + response.length + ids + id.length() + scope.length() + OVERHEAD_BYTES;
    }
}
