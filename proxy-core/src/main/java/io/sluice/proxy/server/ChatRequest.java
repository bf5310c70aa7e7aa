package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.hub.HubRequest;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.providers.Operation;

/**
 * A fully received chat request, ready for its exchange. {@code body} is owned by whoever holds this object (the
 * exchange), which must release it exactly once.
 *
 * <p>Two shapes: <b>passthrough</b> ({@code hub == null}): the client's own body, in the provider's dialect too;
 * {@code modelStart}/{@code modelEnd} locate the model value (quotes included) to splice, or are -1 when the model is
 * not in the body (Gemini puts it in the path). <b>Translated</b> ({@code hub != null}): {@code body} was already
 * written in the provider's dialect from {@code hub}, the client's request as the hub reads it.
 *
 * @param client        the dialect the client speaks (its route)
 * @param anthropicBeta the client's {@code anthropic-beta} header, or null: forwarded on an Anthropic passthrough
 *                      (Claude Code turns on features with it), never to another dialect
 * @param anthropicVersion the client's {@code anthropic-version}, or null: on a passthrough its body is written for it
 * @param operation     chat, embeddings or image generation: picks the upstream path
 */
public record ChatRequest(HttpMethod method, String model, ModelRouter.Route route, boolean stream,
                          boolean includeUsage, int modelStart, int modelEnd, ByteBuf body, Dialect client,
                          HubRequest hub, String anthropicBeta, String anthropicVersion, Operation operation) {

    public ChatRequest {
        operation = operation == null ? Operation.CHAT : operation;
    }

    /** A chat request. */
    public ChatRequest(HttpMethod method, String model, ModelRouter.Route route, boolean stream, boolean includeUsage,
                       int modelStart, int modelEnd, ByteBuf body, Dialect client, HubRequest hub,
                       String anthropicBeta, String anthropicVersion) {
        this(method, model, route, stream, includeUsage, modelStart, modelEnd, body, client, hub, anthropicBeta,
                anthropicVersion, Operation.CHAT);
    }

    /** An OpenAI-dialect passthrough request. */
    public ChatRequest(HttpMethod method, String model, ModelRouter.Route route, boolean stream, boolean includeUsage,
                       int modelStart, int modelEnd, ByteBuf body) {
        this(method, model, route, stream, includeUsage, modelStart, modelEnd, body, Dialects.OPENAI, null, null,
                null, Operation.CHAT);
    }

    public boolean translated() {
        return hub != null;
    }
}
