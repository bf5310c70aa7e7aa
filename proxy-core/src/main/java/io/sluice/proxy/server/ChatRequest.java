package io.sluice.proxy.server;

import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import io.sluice.proxy.route.ModelRouter;

/**
 * A fully received chat request. {@code body} is owned by whoever holds this object (the exchange), which must
 * release it exactly once. {@code modelStart}/{@code modelEnd} locate the model value (quotes included) in the body.
 */
public record ChatRequest(HttpMethod method, String model, ModelRouter.Route route, boolean stream,
                          boolean includeUsage, int modelStart, int modelEnd, CompositeByteBuf body) {
}
