package io.sluice.codec.rewrite;

import io.sluice.codec.json.Edit;
import java.util.List;

/**
 * A rewrite worked out for one request: the edits that make the client's own bytes say it (a same-dialect
 * passthrough), and the parts of it that act on this request, for the hub ({@link HubRewriter}) and for accounting.
 *
 * @param edits     changes to the client's body, offsets from its first byte; empty when nothing acts
 * @param effective the parts that act: a thinking change acts only on a request that asks for thinking, unless it
 *                  injects; a system prompt unless the body has no place for one
 */
public record RewritePlan(List<Edit> edits, Rewrite effective) {

    public static final RewritePlan NONE = new RewritePlan(List.of(), new Rewrite(null, null));

    public RewritePlan {
        edits = List.copyOf(edits);
    }

    public boolean isEmpty() {
        return effective.isEmpty();
    }
}
