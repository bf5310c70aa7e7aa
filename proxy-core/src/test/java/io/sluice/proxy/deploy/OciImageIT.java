package io.sluice.proxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.proxy.deploy.ImageTar.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OCI image Jib's buildTar writes in {@code verify} (profile {@code image}, README "Deployment"), read back:
 * its config (entrypoint, user, port, labels ...), its layers (the jlink'ed runtime, the loader and libraries that
 * runtime needs, the app, the config) and, as root, the image run: the layers unpacked into a root file system and
 * the entrypoint started in a chroot as the image's user, as a container runtime would.
 *
 * <p>Runs in the surefire execution {@code image-check} after the tar is built; without the tar (a test run that
 * stops before {@code verify}) it is skipped on a developer machine and fails in CI ({@code CI} set).
 */
class OciImageIT {

    private static final String MAIN = "io.sluice.proxy.cli.Main";
    private static final Path CONF = Path.of("..", "conf", "sluice.yaml");

    private static ImageTar image;
    private static Map<String, Entry> files;

    @BeforeAll
    static void readTar() throws IOException {
        Path tar = Path.of(System.getProperty("sluice.image.tar", "target/jib-image.tar"));
        if (!Files.isRegularFile(tar)) {
            if (System.getenv("CI") != null) {
                fail(tar + " is missing: `./mvnw verify` builds it (profile image, on Linux)");
            }
            Assumptions.assumeTrue(false, tar + " is missing: run `./mvnw verify` to build the image");
        }
        image = ImageTar.read(tar);
        files = image.files();
    }

    private static JsonNode container() {
        return image.config.path("config");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void manifestNamesTheConfigAndEveryLayer() {
        assertThat(strings(image.manifest.path("RepoTags"))).contains("sluice:" + projectVersion(), "sluice:latest");
        assertThat(image.layerNames()).hasSizeGreaterThanOrEqualTo(5).allMatch(image::hasBlob);
        assertThat(image.config.path("os").asText()).isEqualTo("linux");
        assertThat(image.config.path("architecture").asText()).isEqualTo(hostArchitecture());
        assertThat(image.config.path("rootfs").path("diff_ids")).hasSize(image.layerNames().size());
    }

    @Test
    void configRunsServeAsTheSluiceUserOnPort4000() {
        JsonNode c = container();
        List<String> entrypoint = strings(c.path("Entrypoint"));
        assertThat(entrypoint.get(0)).isEqualTo("/opt/java/bin/java");
        assertThat(entrypoint).containsSubsequence("-cp", "@/app/jib-classpath-file", MAIN)
                .contains("-XX:+ExitOnOutOfMemoryError").endsWith(MAIN);
        assertThat(strings(c.path("Cmd"))).containsExactly("serve", "-c", "/etc/sluice/sluice.yaml");
        assertThat(c.path("User").asText()).isEqualTo("10001:10001");
        assertThat(c.path("ExposedPorts").has("4000/tcp")).isTrue();
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/sluice");
        assertThat(c.path("Volumes").has("/var/lib/sluice")).isTrue();
        assertThat(strings(c.path("Env"))).contains("SLUICE_HOST=0.0.0.0", "SLUICE_PORT=4000",
                "SLUICE_DATA_DIR=/var/lib/sluice", "JAVA_HOME=/opt/java");
        JsonNode labels = c.path("Labels");
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("Sluice");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(projectVersion());
        assertThat(labels.path("org.opencontainers.image.description").asText()).isNotBlank();
    }

    @Test
    void layersHoldTheRuntimeOfTheBuildJdkAndWhatItLoads() {
        Entry java = files.get("/opt/java/bin/java");
        assertThat(java).as("/opt/java/bin/java").isNotNull();
        assertThat(java.mode() & 0111).as("java executable").isEqualTo(0111);
        assertThat(files).containsKeys("/opt/java/lib/server/libjvm.so", "/opt/java/lib/modules",
                "/opt/java/lib/libjli.so", "/opt/java/lib/security/cacerts");
        String release = files.get("/opt/java/release").text();
        assertThat(release).contains("JAVA_VERSION=\"" + Runtime.version().feature());
        // jlink took only the listed modules (no java.desktop, no compiler), and those Sluice cannot run without
        Matcher modules = Pattern.compile("MODULES=\"([^\"]*)\"").matcher(release);
        assertThat(modules.find()).isTrue();
        assertThat(List.of(modules.group(1).split(" "))).contains("java.base", "java.net.http", "jdk.unsupported",
                "java.management", "jdk.crypto.ec").doesNotContain("java.desktop", "java.compiler", "jdk.jshell");
        // The loader bin/java names, and glibc: scratch has nothing of its own.
        String loader = ImageTar.elfInterpreter(java.content());
        assertThat(files.get(loader)).as(loader + " (PT_INTERP of bin/java)").isNotNull()
                .satisfies(e -> assertThat(e.mode() & 0111).isEqualTo(0111));
        assertThat(files.keySet()).anyMatch(p -> p.matches("/(usr/)?lib(64)?/.*libc\\.so\\.6"));
    }

    @Test
    void layersHoldTheAppItsClasspathTheConfigAndTheUser() throws IOException {
        assertThat(files).containsKeys("/app/classes/io/sluice/proxy/cli/Main.class", "/app/jib-classpath-file");
        assertThat(files.keySet()).anyMatch(p -> p.matches("/app/libs/sluice-codec-.*\\.jar"))
                .anyMatch(p -> p.matches("/app/libs/sluice-providers-.*\\.jar"))
                .anyMatch(p -> p.matches("/app/libs/netty-transport-native-epoll-.*\\.jar"));
        for (String element : files.get("/app/jib-classpath-file").text().trim().split(":")) {
            if (element.endsWith("/*")) {
                continue;
            }
            assertThat(files).as("classpath element " + element).containsKey(element);
        }
        assertThat(files.get("/etc/sluice/sluice.yaml").text())
                .isEqualTo(Files.readString(CONF, StandardCharsets.UTF_8));
        assertThat(files.get("/etc/passwd").text()).contains("sluice:x:10001:10001:");
        assertThat(files.get("/etc/group").text()).contains("sluice:x:10001:");
        for (String dir : List.of("/tmp", "/var/lib/sluice")) {
            assertThat(files.get(dir)).as(dir).isNotNull().satisfies(e -> {
                assertThat(e.isDirectory()).isTrue();
                assertThat(e.mode() & 0777).as(dir + " writable by the image's user").isEqualTo(0777);
            });
        }
        assertThat(files.values()).noneMatch(e -> e.type() == '2' || e.type() == '1'); // links: none, Jib copies
    }

    /** Unpacks the layers and runs the entrypoint in a chroot: /health, a chat, metrics, then a SIGTERM drain. */
    @Test
    @Timeout(150)
    void imageRunsAsItsUserAndDrainsOnSigterm() throws Exception {
        ImageRun.requireRoot();
        Path dir = Files.createTempDirectory("sluice-image");
        try {
            runAndDrain(dir);
        } finally {
            ImageRun.delete(dir);
        }
    }

    private static void runAndDrain(Path dir) throws Exception {
        Path rootfs = dir.resolve("rootfs");
        ImageRun.unpack(image, rootfs);
        ImageRun run = ImageRun.start(image, rootfs, dir.resolve("out.log"), true);
        try {
            run.awaitListening();
            assertThat(run.get("/health").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(run.get("/v1/models").statusCode()).as("client key required on 0.0.0.0").isEqualTo(401);
            var chat = run.post("/v1/chat/completions",
                    "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello image\"}]}");
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(chat.body()).contains("hello image");
            assertThat(run.get("/metrics").body()).contains("jvm_memory_used_bytes", "http_requests_total");
            // The compose file's healthcheck, run inside the image as Docker would: exit 0 while serving.
            List<String> healthcheck = composeHealthcheck();
            Path healthLog = dir.resolve("health.log");
            assertThat(ImageRun.exec(image, rootfs, healthLog, List.of("SLUICE_PORT=" + run.port()), healthcheck))
                    .as(Files.readString(healthLog, StandardCharsets.UTF_8)).isZero();
        } finally {
            run.stop();
        }
        assertThat(run.exitCode()).as("exit after SIGTERM; output:\n" + run.output()).isZero();
        assertThat(run.output()).contains("Sluice listening on http://0.0.0.0:" + run.port());
        Path usage = rootfs.resolve("var/lib/sluice/usage.jsonl");
        assertThat(usage).as("usage written by uid 10001 and flushed on the drain").exists();
        assertThat(Files.getAttribute(usage, "unix:uid")).isEqualTo(10001);
        assertThat(Files.readString(usage, StandardCharsets.UTF_8)).contains("mock");
    }

    /** 0.0.0.0 without client keys is an open relay: the image refuses to start, in one line, exit 2. */
    @Test
    @Timeout(60)
    void imageRefusesToServeOpenWithoutClientKeys() throws Exception {
        ImageRun.requireRoot();
        Path dir = Files.createTempDirectory("sluice-image");
        try {
            Path rootfs = dir.resolve("rootfs");
            ImageRun.unpack(image, rootfs);
            ImageRun run = ImageRun.start(image, rootfs, dir.resolve("out.log"), false);
            assertThat(run.awaitExit()).as(run.output()).isEqualTo(2);
            assertThat(run.output()).contains("sluice: ").contains("client key").doesNotContain("\tat ");
        } finally {
            ImageRun.delete(dir);
        }
    }

    /** {@code healthcheck.test} of the compose file's instances, without its leading {@code CMD}. */
    static List<String> composeHealthcheck() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(
                DeploymentFilesTest.conf().resolve("compose/compose.yaml").toFile());
        List<String> test = strings(compose.path("x-sluice").path("healthcheck").path("test"));
        assertThat(test).first().isEqualTo("CMD");
        return test.subList(1, test.size());
    }

    static String projectVersion() {
        return System.getProperty("sluice.version", "0.1.0-SNAPSHOT");
    }

    static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("sluice.image.arch", "aarch64".equals(arch) ? "arm64" : arch);
    }
}
