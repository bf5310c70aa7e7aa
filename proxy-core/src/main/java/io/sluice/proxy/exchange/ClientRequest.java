package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.json.Edit;
import io.sluice.codec.rewrite.Rewrite;
import io.sluice.providers.Operation;
import io.sluice.proxy.ops.RequestTrace;
import java.util.List;

/**
 * A client's model request as received: its bytes and what the incremental scan learned of them. The body is owned
 * by the {@link RequestPlanner} made from it.
 *
 * @param model      the model asked for (from the body, or from the path for Gemini)
 * @param dialect    the dialect the client speaks
 * @param modelStart where the model value starts in {@code body} (quotes included), -1 when it is not in the body
 * @param modelEnd   where it ends, -1 when it is not in the body
 * @param usageEdit  the edit that makes the body ask for usage in a stream (OpenAI chat), or null when it asks already
 *                   or is not such a body
 * @param edits      the system prompt and thinking budget as edits of {@code body}, for a same-dialect passthrough;
 *                   empty when nothing applies
 * @param rewrite    the same for a request read into the hub ({@code HubRewriter}), or null
 * @param responseId the id a translated Responses answer gets (Sluice stores it under that id), or null for the
 *                   provider's own
 */
public record ClientRequest(String model, Dialect dialect, boolean stream, boolean includeUsage, int modelStart,
                            int modelEnd, ByteBuf body, String anthropicBeta, String anthropicVersion,
                            Operation operation, RequestTrace trace, Edit usageEdit, List<Edit> edits,
                            Rewrite rewrite, String responseId) {

    public ClientRequest {
        edits = edits == null ? List.of() : List.copyOf(edits);
    }

    public ClientRequest(String model, Dialect dialect, boolean stream, boolean includeUsage, int modelStart,
                         int modelEnd, ByteBuf body, String anthropicBeta, String anthropicVersion,
                         Operation operation, RequestTrace trace, Edit usageEdit, List<Edit> edits,
                         Rewrite rewrite) {
        this(model, dialect, stream, includeUsage, modelStart, modelEnd, body, anthropicBeta, anthropicVersion,
                operation, trace, usageEdit, edits, rewrite, null);
    }

    public ClientRequest(String model, Dialect dialect, boolean stream, boolean includeUsage, int modelStart,
                         int modelEnd, ByteBuf body, String anthropicBeta, String anthropicVersion,
                         Operation operation, RequestTrace trace, Edit usageEdit) {
        this(model, dialect, stream, includeUsage, modelStart, modelEnd, body, anthropicBeta, anthropicVersion,
                operation, trace, usageEdit, List.of(), null, null);
    }

    public ClientRequest(String model, Dialect dialect, boolean stream, boolean includeUsage, int modelStart,
                         int modelEnd, ByteBuf body, String anthropicBeta, String anthropicVersion,
                         Operation operation, RequestTrace trace) {
        this(model, dialect, stream, includeUsage, modelStart, modelEnd, body, anthropicBeta, anthropicVersion,
                operation, trace, null);
    }
}
