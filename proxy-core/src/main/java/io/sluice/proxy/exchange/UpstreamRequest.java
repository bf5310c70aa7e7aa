package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.hub.HubRequest;
import io.sluice.providers.Operation;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.ops.RequestTrace;

/**
 * One request as one provider takes it, ready for an attempt. {@code body} is owned by whoever holds this object
 * (the attempt's exchange), which must release it exactly once. Made by {@link RequestPlanner}.
 *
 * <p>Two shapes: <b>passthrough</b> ({@code hub == null}): the client's own bytes, the provider speaking the client's
 * dialect; {@code modelStart}/{@code modelEnd} locate the model value (quotes included) to splice, or are -1 when
 * the model is not in the body (Gemini puts it in the path). <b>Translated</b> ({@code hub != null}): {@code body} was
 * written in the provider's dialect from {@code hub}, the client's request as the hub reads it.
 *
 * @param model         the model the client asked for
 * @param provider      the provider this request goes to
 * @param upstreamModel the provider's own model id
 * @param client        the dialect the client speaks
 * @param anthropicBeta the client's {@code anthropic-beta} header on an Anthropic passthrough, else null
 * @param anthropicVersion the client's {@code anthropic-version} on an Anthropic passthrough, else null
 * @param operation     chat, embeddings or image generation: picks the upstream path
 * @param trace         what accounting learns of the client request (usage goes there), or null outside one
 */
public record UpstreamRequest(String model, ProviderConfig provider, String upstreamModel, boolean stream,
                              boolean includeUsage, int modelStart, int modelEnd, ByteBuf body, Dialect client,
                              HubRequest hub, String anthropicBeta, String anthropicVersion, Operation operation,
                              RequestTrace trace) {

    public boolean translated() {
        return hub != null;
    }
}
