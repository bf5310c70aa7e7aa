package io.sluice.proxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files in conf/ (README "Deployment") refer to what exists: probe and scrape paths Sluice answers,
 * the port the image exposes, config files that load, mounted files that are there, drain timeouts above the
 * configured grace. The image itself is checked by {@link OciImageIT}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeploymentFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CLIENT_KEY = "sk-deploy-test-0123456789";
    private static final int IMAGE_PORT = 4000;
    private static final String IMAGE_CONFIG = "/etc/sluice/sluice.yaml";
    private static final String DATA_DIR = "/var/lib/sluice";

    static Path conf() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("conf/sluice.yaml"))) {
                return dir.resolve("conf");
            }
        }
        throw new IllegalStateException("conf/sluice.yaml not found");
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static JsonNode kind(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())
                && name.equals(d.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    /** The image's default config, as the image runs it: its environment, a client key, the data dir here. */
    private static SluiceConfig imageConfig(Path yaml, Path dataDir) {
        Map<String, String> env = new HashMap<>(Map.of("SLUICE_HOST", "0.0.0.0", "SLUICE_PORT", "4000",
                "SLUICE_DATA_DIR", dataDir.toString(), "SLUICE_CLIENT_KEY", CLIENT_KEY));
        SluiceConfig cfg = ConfigLoader.load(yaml, env);
        cfg.access().checkExposure(cfg.server()); // 0.0.0.0 with a client key: allowed
        return cfg;
    }

    /** Starts {@code cfg} on loopback and answers the paths the deployment files probe and scrape. */
    private static void assertServes(SluiceConfig cfg, String... paths) throws Exception {
        SluiceConfig local = cfg.withServer(cfg.server().withHost("127.0.0.1").withPort(0));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (SluiceServer s = SluiceServer.start(local)) {
            for (String path : paths) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + s.localAddress().getPort() + path))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
            }
        }
    }

    private static long seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)s?").matcher(duration.trim());
        assertThat(m.matches()).as("duration " + duration).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void kubernetesDeploymentProbesHealthDrainsAndRunsTheImageAsItsUser(@TempDir Path dir) throws Exception {
        List<JsonNode> docs = documents(conf().resolve("kubernetes/sluice.yaml"));
        JsonNode deployment = kind(docs, "Deployment", "sluice");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(3);

        // Probes: GET /health on the named port, which is the image's.
        JsonNode port = container.path("ports").get(0);
        assertThat(port.path("containerPort").asInt()).isEqualTo(IMAGE_PORT);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("path").asText()).as(probe).isEqualTo("/health");
            assertThat(get.path("port").asText()).as(probe).isEqualTo(port.path("name").asText());
        }
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(10001);
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();

        // The config: the ConfigMap mounted where the args point, loading as Sluice loads it.
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsExactly("serve", "-c", IMAGE_CONFIG);
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Map<String, String> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        JsonNode configVolume = volumes.get(mounts.get("/etc/sluice"));
        String configMapName = configVolume.path("configMap").path("name").asText();
        JsonNode configMap = kind(docs, "ConfigMap", configMapName);
        Path yaml = dir.resolve("sluice.yaml");
        Files.writeString(yaml, configMap.path("data").path("sluice.yaml").asText(), StandardCharsets.UTF_8);
        SluiceConfig cfg = imageConfig(yaml, dir);
        assertThat(cfg.server().port()).isEqualTo(IMAGE_PORT);
        // Writable places on a read-only root: /tmp and the data dir, pod-local.
        assertThat(volumes.get(mounts.get("/tmp")).has("emptyDir")).isTrue();
        assertThat(volumes.get(mounts.get(DATA_DIR)).has("emptyDir")).isTrue();

        // Drain: preStop sleep, then SIGTERM and shutdownGrace, all inside the termination grace period.
        long preStop = container.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong();
        assertThat(preStop).isBetween(1L, 30L);
        assertThat(pod.path("terminationGracePeriodSeconds").asLong())
                .isGreaterThan(preStop + cfg.server().shutdownGrace().toSeconds());

        // Secrets come from the Secret; Redis from its Service; the Service selects these pods on the named port.
        String secret = container.path("envFrom").get(0).path("secretRef").path("name").asText();
        assertThat(kind(docs, "Secret", secret).path("stringData").path("SLUICE_CLIENT_KEY").asText())
                .hasSizeGreaterThan(15);
        JsonNode redisUrl = null;
        for (JsonNode e : container.path("env")) {
            if ("SLUICE_REDIS_URL".equals(e.path("name").asText())) {
                redisUrl = e.path("value");
            }
        }
        assertThat(redisUrl).isNotNull();
        URI redis = URI.create(redisUrl.asText());
        JsonNode redisService = kind(docs, "Service", redis.getHost());
        assertThat(redisService.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(redis.getPort());
        JsonNode service = kind(docs, "Service", "sluice");
        assertThat(service.path("spec").path("selector"))
                .isEqualTo(deployment.path("spec").path("template").path("metadata").path("labels"));
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText())
                .isEqualTo(port.path("name").asText());
        JsonNode annotations = deployment.path("spec").path("template").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/port").asInt()).isEqualTo(IMAGE_PORT);

        assertServes(cfg, "/health", annotations.path("prometheus.io/path").asText());
    }

    @Test
    void composeRunsInstancesBehindNginxScrapedByPrometheusWithTheDashboard(@TempDir Path dir) throws Exception {
        Path compose = conf().resolve("compose");
        JsonNode services = documents(compose.resolve("compose.yaml")).get(0).path("services");
        List<String> instances = new ArrayList<>();
        services.fieldNames().forEachRemaining(n -> {
            if (n.startsWith("sluice-")) {
                instances.add(n);
            }
        });
        assertThat(instances).hasSizeBetween(2, 3);
        assertThat(services.has("redis")).isTrue();

        JsonNode anchor = documents(compose.resolve("compose.yaml")).get(0).path("x-sluice");
        JsonNode env = anchor.path("environment");
        assertThat(URI.create(env.path("SLUICE_REDIS_URL").asText()).getHost()).isEqualTo("redis");
        // Drain: Docker's default 10 s stop would cut streams; the grace of the image's config must fit.
        SluiceConfig imageCfg = imageConfig(conf().resolve("sluice.yaml"), dir);
        assertThat(seconds(anchor.path("stop_grace_period").asText()))
                .isGreaterThan(imageCfg.server().shutdownGrace().toSeconds());
        assertThat(anchor.path("tmpfs").get(0).asText()).startsWith("/tmp:").contains("exec").doesNotContain("noexec");
        String nginxIp = services.path("nginx").path("networks").path("sluice").path("ipv4_address").asText();
        assertThat(env.path("SLUICE_TRUSTED_PROXIES").asText()).isEqualTo(nginxIp);

        // Every file mounted from the host exists next to the compose file.
        for (String service : List.of("nginx", "prometheus", "grafana")) {
            for (JsonNode v : services.path(service).path("volumes")) {
                String source = v.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(compose.resolve(source).normalize()).as(service + " mounts " + source).exists();
                }
            }
        }
        // nginx balances over the instances; Prometheus scrapes each of them under the dashboard's job.
        String nginx = Files.readString(compose.resolve("nginx.conf"), StandardCharsets.UTF_8);
        JsonNode scrape = documents(compose.resolve("prometheus.yml")).get(0).path("scrape_configs").get(0);
        assertThat(scrape.path("job_name").asText()).isEqualTo("sluice");
        List<String> targets = new ArrayList<>();
        scrape.path("static_configs").get(0).path("targets").forEach(t -> targets.add(t.asText()));
        for (String instance : instances) {
            assertThat(nginx).contains("server " + instance + ":" + IMAGE_PORT + " ");
            assertThat(targets).contains(instance + ":" + IMAGE_PORT);
        }
        assertThat(Files.readString(conf().resolve("grafana/sluice-dashboard.json"), StandardCharsets.UTF_8))
                .contains("job=\\\"sluice\\\"");
        assertThat(nginx).contains("proxy_buffering off");

        // Grafana: the provisioned dashboards folder is where the dashboard is mounted.
        JsonNode provider = documents(conf().resolve("grafana/provisioning/dashboards/sluice.yaml")).get(0)
                .path("providers").get(0);
        String dashboards = provider.path("options").path("path").asText();
        assertThat(services.path("grafana").path("volumes").toString())
                .contains("../grafana/sluice-dashboard.json:" + dashboards + "/sluice-dashboard.json");
        JsonNode datasource = documents(conf().resolve("grafana/provisioning/datasources/prometheus.yaml")).get(0)
                .path("datasources").get(0);
        assertThat(URI.create(datasource.path("url").asText()).getHost()).isEqualTo("prometheus");
        assertServes(imageCfg, "/health", scrape.path("metrics_path").asText());
    }

    @Test
    void systemdUnitDrainsWithinItsStopTimeoutAndChecksHealth(@TempDir Path dir) throws Exception {
        Path unit = conf().resolve("systemd/sluice.service");
        Map<String, List<String>> service = unitSection(Files.readString(unit, StandardCharsets.UTF_8), "Service");
        String execStart = one(service, "ExecStart");
        assertThat(execStart).contains("-jar ").endsWith(" serve -c " + IMAGE_CONFIG);
        assertThat(one(service, "Type")).isIn("exec", "simple");
        assertThat(one(service, "KillSignal")).isEqualTo("SIGTERM");
        assertThat(one(service, "Restart")).isEqualTo("on-failure");
        assertThat(one(service, "StateDirectory")).isEqualTo("sluice");
        assertThat(service.get("Environment")).contains("SLUICE_DATA_DIR=" + DATA_DIR);
        assertThat(one(service, "WorkingDirectory")).isEqualTo(DATA_DIR);
        assertThat(one(service, "User")).isEqualTo("sluice");
        assertThat(one(service, "NoNewPrivileges")).isEqualTo("yes");
        assertThat(one(service, "ProtectSystem")).isEqualTo("strict");
        assertThat(service).doesNotContainKey("MemoryDenyWriteExecute"); // the JIT writes code
        String healthCheck = one(service, "ExecStartPost");
        assertThat(healthCheck).contains(execStart.substring(execStart.indexOf("-jar "), execStart.indexOf(" serve")))
                .endsWith(" health --wait 60s");
        // the config Sluice ships (the unit's -c file is a copy): its grace fits in TimeoutStopSec
        SluiceConfig cfg = imageConfig(conf().resolve("sluice.yaml"), dir);
        assertThat(seconds(one(service, "TimeoutStopSec"))).isGreaterThan(cfg.server().shutdownGrace().toSeconds());
        SystemdAnalyze.verify(unit, dir);
    }

    /** The keys of one section of a unit file, continuation lines joined, values in order of appearance. */
    static Map<String, List<String>> unitSection(String text, String section) {
        Map<String, List<String>> keys = new HashMap<>();
        String current = null;
        for (String line : text.replace("\\\n", "").split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            if (l.startsWith("[")) {
                current = l.substring(1, l.length() - 1);
            } else if (section.equals(current)) {
                int eq = l.indexOf('=');
                String value = l.substring(eq + 1).strip();
                if (value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                keys.computeIfAbsent(l.substring(0, eq).strip(), k -> new ArrayList<>()).add(value);
            }
        }
        return keys;
    }

    private static String one(Map<String, List<String>> section, String key) {
        assertThat(section.get(key)).as(key).hasSize(1);
        return section.get(key).get(0);
    }
}
