package io.sluice.proxy.service;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialect;
import io.sluice.providers.Operation;
import io.sluice.providers.ProviderDescriptor;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.route.Routing;
import java.util.List;

/** Where a model request goes, and under which id the allow-list judges it; the model routes' refusals. */
final class ModelTargets {

    private ModelTargets() {
    }

    /**
     * The id the allow-list judges besides the provider and upstream model called: what the client asked for,
     * unless {@code /v1/providers/{p}/...} forced the request somewhere its model id would not route by itself;
     * then the {@code provider/model} actually called, so a key limited to {@code mock/*} cannot send
     * {@code mock/echo} to another provider.
     */
    static String calledAs(Routing routing, String path, String model, ModelRouter.Route target) {
        if (RouteFamily.forcedProvider(path) == null) {
            return model;
        }
        ModelRouter.Route plain = routing.router().resolve(model);
        if (plain != null && plain.provider() == target.provider()
                && plain.upstreamModel().equals(target.upstreamModel())) {
            return model;
        }
        return target.provider().name() + "/" + target.upstreamModel();
    }

    /**
     * The route for {@code model}, or null after answering the client: 400 for a model id that is not acceptable
     * (control characters, {@code ..}, one that cannot go into the provider's URL path), 404 for an unknown
     * model or provider, naming close matches or why an alias is unavailable.
     */
    static ModelRouter.Route route(Routing routing, String path, RouteFamily route, ClientKeys.Key key,
                                       String model, ResponseSink sink) {
        ModelRouter router = routing.router();
        String bad = ModelRouter.invalid(model);
        if (bad != null) {
            sink.fail(HttpResponseStatus.BAD_REQUEST, bad + ": `" + Text.printable(model) + "`", "invalid_model");
            return null;
        }
        String forced = RouteFamily.forcedProvider(path);
        ModelRouter.Route target;
        if (forced != null) {
            target = router.resolveIn(forced, model);
            if (target == null) {
                sink.fail(HttpResponseStatus.NOT_FOUND, "The provider `" + Text.printable(forced)
                        + "` is not configured or not enabled; enabled providers: "
                        + String.join(", ", Hints.providers(router, key)), "provider_not_found");
                return null;
            }
        } else {
            target = router.resolve(model);
            if (target == null) {
                String why = key == null || key.allows(model, null, null) ? router.unavailable(model) : null;
                List<String> close = Hints.closeMatches(router, key, model);
                sink.fail(HttpResponseStatus.NOT_FOUND, why != null ? "The model `" + Text.printable(model)
                        + "` is unavailable: " + why : "The model `" + Text.printable(model) + "` does not exist"
                        + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?"),
                        "model_not_found");
                return null;
            }
        }
        if (target.provider().descriptor().modelInPath(route.operation())
                && !ProviderDescriptor.pathSafe(target.upstreamModel())) {
            sink.fail(HttpResponseStatus.BAD_REQUEST, "model `" + Text.printable(target.upstreamModel())
                    + "` cannot be sent to provider " + target.provider().name()
                    + ", which takes the model in its URL path (expected: letters, digits, '.', '_', '-')",
                    "invalid_model");
            return null;
        }
        return target;
    }

    /**
     * Embeddings and image generation go to the provider as they are, only the model value spliced: only a
     * provider that speaks OpenAI's chat API (or Gemini's, for embeddings) and has the capability can take them; the
     * others get 400 {@code unsupported_operation}. True when refused (answered in {@code dialect}).
     */
    static boolean refusedOperation(Operation op, ProviderConfig p, Dialect dialect, ResponseSink sink) {
        String what = op == Operation.EMBEDDINGS ? "embeddings" : "image generation";
        String refusal = null;
        if (!p.descriptor().supports(op)) {
            refusal = "provider " + p.name() + " does not support " + what;
        } else if (!ProviderConfig.DIALECT_OPENAI.equals(p.dialect())
                && !(op == Operation.EMBEDDINGS && "gemini".equals(p.dialect()))) {
            refusal = "provider " + p.name() + " speaks the " + p.dialect()
                    + " API, which has no OpenAI-compatible " + what + " endpoint";
        }
        if (refusal == null) {
            return false;
        }
        SimpleHandler.full(sink, HttpResponses.error(dialect, sink.alloc(), HttpResponses.error(
                HttpResponseStatus.BAD_REQUEST, refusal, "unsupported_operation").withCode("unsupported_operation",
                "model")));
        return true;
    }
}
