package io.sluice.proxy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.providers.ModelLimits;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.route.ModelRouter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/recommend-model}: the served chat models ranked for {@code speed}, {@code quality},
 * {@code contextSize}, {@code cost} and {@code task}, with the seed's scoring: each 1-to-5 rating
 * ({@link ModelProfile}) weighted 3 when the requirement asks for much of it, 1 for little, 2 otherwise, plus 5 when
 * the model suits the task. {@code contextSize} may also be a number of tokens: models whose window is smaller, or
 * not known, are left out. Only models the client key may use are considered.
 */
final class Recommender {

    static final int DEFAULT_LIMIT = 3; // the seed's top 3
    static final int MAX_LIMIT = 50;
    private static final List<String> LEVELS = List.of("low", "medium", "high");
    private static final List<String> SIZES = List.of("small", "medium", "large");
    private static final int TASK_BONUS = 5;

    private final ModelRouter router;
    private final ClientKeys.Key key;

    Recommender(ModelRouter router, ClientKeys.Key key) {
        this.router = router;
        this.key = key;
    }

    private record Ranked(String id, ModelRouter.Route route, ModelProfile profile, int score) {
    }

    String recommend(ObjectNode body) throws JsonBody.BadBody {
        String speed = level(body, "speed", LEVELS);
        String quality = level(body, "quality", LEVELS);
        String cost = level(body, "cost", LEVELS);
        String task = level(body, "task", ModelProfile.TASKS, "general");
        Integer asked = JsonBody.integer(body, "limit", 1, MAX_LIMIT);
        int limit = asked == null ? DEFAULT_LIMIT : asked;
        JsonNode size = body.get("contextSize");
        long needed = 0;
        String contextSize = "small"; // the seed's default
        if (size != null && !size.isNull()) {
            if (size.isIntegralNumber() || size.isTextual() && size.asText().strip().matches("\\d{1,12}")) {
                needed = size.isIntegralNumber() ? size.longValue() : Long.parseLong(size.asText().strip());
                if (needed < 1) {
                    throw new JsonBody.BadBody("contextSize: " + needed + " (expected: small, medium, large or a"
                            + " number of tokens > 0)", "contextSize");
                }
                contextSize = Long.toString(needed);
            } else {
                contextSize = level(body, "contextSize", SIZES, "small");
            }
        }
        int wSpeed = weight(speed, "high", "low");
        int wQuality = weight(quality, "high", "low");
        int wCost = weight(cost, "low", "high"); // the rating is economy: asking for low cost weighs it most
        int wContext = needed > 0 ? 2 : weight(contextSize, "large", "small");

        List<Ranked> ranked = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int considered = 0;
        for (ModelRouter.ModelEntry e : router.entries()) {
            ModelRouter.Route r = router.resolve(e.id());
            if (r == null || ModelProfile.notChat(r.upstreamModel())
                    || !seen.add(r.provider().name() + '\0' + r.upstreamModel())
                    || key != null && !key.allows(e.id(), r.provider().name(), r.upstreamModel())) {
                continue;
            }
            considered++;
            ModelLimits limits = r.provider().descriptor().limits(r.upstreamModel());
            if (needed > 0 && (limits == null || limits.contextWindow() < needed)) {
                continue;
            }
            ModelProfile p = ModelProfile.of(r.upstreamModel(), limits);
            int score = p.speed * wSpeed + p.quality * wQuality + p.context * wContext + p.cost * wCost
                    + (p.tasks.contains(task) ? TASK_BONUS : 0);
            ranked.add(new Ranked(e.id(), r, p, score));
        }
        ranked.sort(Comparator.comparingInt(Ranked::score).reversed()
                .thenComparingInt(x -> -x.profile().context).thenComparing(Ranked::id));

        JsonText j = new JsonText().begin().array("recommendations");
        for (Ranked x : ranked.subList(0, Math.min(limit, ranked.size()))) {
            ModelProfile p = x.profile();
            List<String> why = new ArrayList<>(p.why);
            why.add(p.tasks.contains(task) ? "suits task " + task + " (+" + TASK_BONUS + ")"
                    : "not marked for task " + task);
            if (needed > 0) {
                why.add("holds the " + ModelProfile.tokens(needed) + " tokens asked for");
            }
            j.beginObject().field("name", x.id()).field("model", x.id())
                    .field("provider", x.route().provider().name())
                    .field("upstreamModel", x.route().upstreamModel()).field("score", x.score())
                    .field("speed", p.speed).field("quality", p.quality).field("context", p.context)
                    .field("cost", p.cost).stringArray("tasks", p.tasks)
                    .field("contextWindow", p.limits != null && p.limits.knowsContext()
                            ? (Object) p.limits.contextWindow() : null)
                    .field("maxOutputTokens", p.limits != null && p.limits.knowsOutput()
                            ? (Object) p.limits.maxOutputTokens() : null)
                    .stringArray("why", why).end();
        }
        j.endArray().begin("requirements").field("speed", speed).field("quality", quality)
                .field("contextSize", needed > 0 ? (Object) needed : contextSize).field("cost", cost)
                .field("task", task).end()
                .field("considered", considered).field("matched", ranked.size())
                .field("scoring", "each 1-5 rating x weight (3 when asked for much of it, 1 for little, 2 otherwise)"
                        + " + " + TASK_BONUS + " for the task; context from the catalog, speed, quality and economy"
                        + " from the model's name");
        return j.end().toString();
    }

    private static String level(ObjectNode body, String name, List<String> allowed) throws JsonBody.BadBody {
        return level(body, name, allowed, "medium");
    }

    private static String level(ObjectNode body, String name, List<String> allowed, String fallback)
            throws JsonBody.BadBody {
        String v = JsonBody.text(body, name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        String l = v.strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(l)) {
            throw new JsonBody.BadBody(name + ": " + Text.printable(v) + " (expected one of: "
                    + String.join(", ", allowed) + (name.equals("contextSize") ? ", or a number of tokens" : "")
                    + ")", name);
        }
        return l;
    }

    /** 3 when the requirement is {@code much}, 1 when it is {@code little}, 2 otherwise (the seed's weights). */
    private static int weight(String value, String much, String little) {
        return value.equals(much) ? 3 : value.equals(little) ? 1 : 2;
    }
}
