package io.sluice.proxy.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of proxy-core, as README's architecture section draws it: packages in layers, each importing only layers
 * below it (never a peer, never up), no cycles, and no class so large that it does several jobs.
 */
class ArchitectureTest {

    private static final String ROOT = "io.sluice.proxy";

    /**
     * Each package's layer: a package may depend only on packages of a lower layer (and on itself). Packages of one
     * layer are peers and know nothing of each other. {@code ""} is the root package (the composition root).
     */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("cli", 100),
            Map.entry("", 95),          // ProxyContext (composition root), SluiceServer
            Map.entry("server", 90),    // the Netty edge: guard, reader, writer; knows nothing of LLMs
            Map.entry("service", 85),   // one class per route family: admission -> route -> plan -> exchange
            Map.entry("admin", 80),     // monitoring API, dashboard files, provider probe
            Map.entry("access", 75),    // the admission chain
            Map.entry("schedule", 70),  // keys, limits, gate, breaker; the attempt loop
            Map.entry("route", 65),     // model -> provider + upstream model
            Map.entry("speech", 62),    // /tts: the speech upstream call and the audio cache; uses the pools
            Map.entry("rewrite", 62),   // the global system prompt and the thinking budget, per request
            Map.entry("upstream", 60),  // pools and the relay; knows nothing of attempts
            Map.entry("mock", 60),      // the built-in mock provider
            Map.entry("state", 58),     // state that outlives a request (stored Responses answers); local or shared
            Map.entry("dedup", 55),     // request signatures, the answer cache, answers shared in flight
            Map.entry("exchange", 50),  // contracts (exchange, sink, request, outcome) and the request planner
            Map.entry("ops", 45),       // request traces, usage, logs and sessions together
            Map.entry("logs", 40),
            Map.entry("usage", 40),
            Map.entry("metrics", 40),
            Map.entry("json", 30),
            Map.entry("transport", 30),
            Map.entry("config", 10),    // immutable records; depends on no other proxy package
            Map.entry("internal", 5));  // build-time annotations only

    /** The longest a main source file may be: past it, a class does more than one job. */
    static final int MAX_LINES = 400;

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    /** The top package under {@link #ROOT} of {@code c} ({@code ""} for the root package), or null outside it. */
    static String layerPackage(JavaClass c) {
        String p = c.getPackageName();
        if (p.equals(ROOT)) {
            return "";
        }
        if (!p.startsWith(ROOT + ".")) {
            return null;
        }
        String rest = p.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    @Test
    void everyPackageHasALayer() {
        TreeSet<String> unknown = new TreeSet<>();
        for (JavaClass c : classes) {
            String p = layerPackage(c);
            if (p != null && !LAYERS.containsKey(p)) {
                unknown.add(p);
            }
        }
        assertThat(unknown).as("packages missing from ArchitectureTest.LAYERS (and README)").isEmpty();
    }

    @Test
    void importsPointDownOnly() {
        TreeSet<String> violations = new TreeSet<>();
        for (JavaClass c : classes) {
            String from = layerPackage(c);
            if (from == null || !LAYERS.containsKey(from)) {
                continue;
            }
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = layerPackage(d.getTargetClass());
                if (to == null || to.equals(from) || !LAYERS.containsKey(to)) {
                    continue;
                }
                if (LAYERS.get(to) >= LAYERS.get(from)) {
                    violations.add(name(from) + " -> " + name(to) + ": " + c.getSimpleName() + " uses "
                            + d.getTargetClass().getName());
                }
            }
        }
        assertThat(violations).as("imports running up or sideways").isEmpty();
    }

    private static String name(String p) {
        return p.isEmpty() ? "(root)" : p;
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theEdgeAndTheRelayStayInTheirLanes() {
        for (JavaClass c : classes) {
            String from = layerPackage(c);
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = layerPackage(d.getTargetClass());
                if ("upstream".equals(from) || "mock".equals(from) || "speech".equals(from)) {
                    assertThat(to).as(c.getName() + " -> " + d.getTargetClass().getName())
                            .isNotIn("server", "service", "schedule", "route", "access", "");
                }
                if ("config".equals(from)) {
                    assertThat(to).as(c.getName() + " -> " + d.getTargetClass().getName())
                            .isIn(null, "config");
                }
            }
        }
    }

    @Test
    void noMainClassOverMaxLines() throws IOException {
        Path main = Path.of("src/main/java/io/sluice/proxy");
        List<String> over = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                long lines = Files.readAllLines(f).size();
                if (lines > MAX_LINES) {
                    over.add(main.relativize(f) + " (" + lines + " lines)");
                }
            }
        }
        assertThat(over).as("main classes over " + MAX_LINES + " lines").isEmpty();
    }
}
