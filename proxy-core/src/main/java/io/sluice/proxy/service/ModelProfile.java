package io.sluice.proxy.service;

import io.sluice.providers.ModelLimits;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@code /v1/recommend-model} sees one model, on the seed's 1-to-5 scales (speed, quality, context, cost: 5 is
 * fastest, best, largest, cheapest) with the reasons. The context rating comes from the catalog's sourced context
 * window ({@link ModelLimits}); speed, quality and cost are read from the model's own name, because nothing better is
 * known for every model: its size words ({@code nano}, {@code mini}, {@code small}, {@code lite}, {@code large},
 * {@code pro}, ...) and parameter count ({@code 3b}, {@code 8b}, {@code 405b}), and reasoning markers ({@code o1},
 * {@code o3}, {@code o4}, {@code r1}, {@code reasoning}, the gpt-5 family). Every rating says where it came from in
 * {@link #why}; no benchmark or price is claimed.
 */
final class ModelProfile {

    /** The tasks a recommendation can be asked for (the seed's, plus reasoning and code). */
    static final List<String> TASKS = List.of("general", "quick", "simple", "budget", "complex", "research",
            "analysis", "reasoning", "long-context", "documents", "vision", "code");

    private enum Size { TINY, SMALL, STANDARD, LARGE }

    private static final Pattern PARAMS = Pattern.compile("(\\d+(?:\\.\\d+)?)b");
    private static final Set<String> TINY_WORDS = Set.of("nano", "tiny");
    private static final Set<String> SMALL_WORDS = Set.of("mini", "small", "lite", "haiku", "flash");
    private static final Set<String> LARGE_WORDS = Set.of("large", "pro", "opus", "ultra", "max");
    private static final Set<String> REASONING_WORDS = Set.of("o1", "o3", "o4", "r1", "reasoning", "thinking",
            "reasoner", "qwq");
    private static final Set<String> VISION_WORDS = Set.of("vision", "multimodal", "vl", "4o", "omni");
    private static final Set<String> CODE_WORDS = Set.of("code", "coder", "codestral", "devstral", "codex");

    final int speed;
    final int quality;
    final int context;
    final int cost;
    final List<String> tasks;
    final List<String> why = new ArrayList<>();
    final ModelLimits limits;

    private ModelProfile(String model, ModelLimits limits) {
        this.limits = limits;
        String name = model.toLowerCase(Locale.ROOT);
        String last = name.substring(name.lastIndexOf('/') + 1);
        List<String> words = List.of(last.split("[-_.:]"));
        String marker = null;
        Size size = Size.STANDARD;
        for (String w : words) {
            Size s = TINY_WORDS.contains(w) ? Size.TINY : SMALL_WORDS.contains(w) ? Size.SMALL
                    : LARGE_WORDS.contains(w) ? Size.LARGE : null;
            if (s == null) {
                Matcher m = PARAMS.matcher(w);
                if (m.matches()) {
                    double b = Double.parseDouble(m.group(1));
                    s = b <= 4 ? Size.TINY : b <= 14 ? Size.SMALL : b < 90 ? Size.STANDARD : Size.LARGE;
                }
            }
            if (s != null && (marker == null || s.ordinal() < size.ordinal())) {
                size = s; // the smallest word wins: "gpt-4.1-mini", "llama-3.2-90b-vision" reads as its size
                marker = w;
            }
        }
        String reasons = words.stream().filter(REASONING_WORDS::contains).findFirst()
                .orElse(last.startsWith("gpt-5") ? "gpt-5" : null);
        boolean reasoning = reasons != null;
        int base = switch (size) {
            case TINY -> 5;
            case SMALL -> 4;
            case STANDARD -> 3;
            case LARGE -> 2;
        };
        speed = clamp(base - (reasoning ? 1 : 0));
        cost = clamp(base - (reasoning ? 1 : 0));
        quality = clamp(7 - base + (reasoning ? 1 : 0));
        why.add(marker == null
                ? "no size in its name (" + last + "): rated as a standard model"
                : "its name marks a " + size.name().toLowerCase(Locale.ROOT) + " model (" + marker + ")");
        if (reasoning) {
            why.add("a reasoning model (" + reasons + "): slower and dearer, stronger on hard problems");
        }
        why.add("speed " + speed + "/5, quality " + quality + "/5, economy " + cost + "/5 (from its name)");
        if (limits != null && limits.knowsContext()) {
            int c = limits.contextWindow();
            context = c >= 1_000_000 ? 5 : c >= 200_000 ? 4 : c >= 100_000 ? 3 : c >= 32_000 ? 2 : 1;
            why.add("context window " + tokens(c) + " tokens: context " + context + "/5 (catalog)");
            if (limits.knowsOutput()) {
                why.add("answers up to " + tokens(limits.maxOutputTokens()) + " tokens");
            }
        } else {
            context = 0;
            why.add("context window not in the catalog: context 0/5");
        }
        Set<String> t = new LinkedHashSet<>();
        t.add("general");
        if (speed >= 4) {
            t.add("quick");
            t.add("simple");
        }
        if (cost >= 4) {
            t.add("budget");
        }
        if (quality >= 5) {
            t.add("complex");
            t.add("research");
            t.add("analysis");
        }
        if (reasoning) {
            t.add("reasoning");
        }
        if (context >= 4) {
            t.add("long-context");
            t.add("documents");
        }
        if (words.stream().anyMatch(VISION_WORDS::contains)) {
            t.add("vision");
        }
        if (words.stream().anyMatch(CODE_WORDS::contains)) {
            t.add("code");
        }
        tasks = List.copyOf(t);
    }

    static ModelProfile of(String upstreamModel, ModelLimits limits) {
        return new ModelProfile(upstreamModel, limits);
    }

    /** Whether the id names something other than a chat model: embeddings, images, speech. */
    static boolean notChat(String upstreamModel) {
        String n = upstreamModel.toLowerCase(Locale.ROOT);
        return n.contains("embed") || n.contains("image") || n.contains("dall-e") || n.contains("tts")
                || n.contains("whisper");
    }

    private static int clamp(int v) {
        return Math.max(1, Math.min(5, v));
    }

    static String tokens(long n) {
        return NumberFormat.getIntegerInstance(Locale.ROOT).format(n);
    }
}
