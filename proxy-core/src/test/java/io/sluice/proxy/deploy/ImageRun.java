package io.sluice.proxy.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The image's entrypoint started the way a container runtime would, without one: its layers unpacked into a root
 * file system, the process chrooted into it as the image's user ({@code chroot --userspec}) with exactly the image's
 * environment. A runtime also mounts {@code /proc} and {@code /dev}; in a private mount namespace
 * ({@code unshare --mount}) this does too, so nothing leaks to the host. Where namespaces are not allowed (a CI
 * container without CAP_SYS_ADMIN) it makes the four device nodes the JVM reads and points the loader at the JDK's
 * libraries itself (glibc resolves {@code $ORIGIN} through {@code /proc/self/exe}); {@code SLUICE_IMAGE_NAMESPACES=0}
 * takes that path on purpose.
 */
final class ImageRun {

    private static final String CLIENT_KEY = "sk-image-test-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private ImageRun(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Skips the calling test unless root (chroot, mounts), except in CI, which runs as root: there a failure. */
    static void requireRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        id.waitFor();
        if (!"0".equals(uid)) {
            if (System.getenv("CI") != null) {
                fail("running the image needs root (chroot); CI runs as root");
            }
            Assumptions.assumeTrue(false, "running the image needs root (chroot): skipped as uid " + uid);
        }
    }

    /** The layers, bottom first, as files with their modes; directories Jib lists after their files are fixed up. */
    static void unpack(ImageTar image, Path rootfs) throws IOException {
        Files.createDirectories(rootfs);
        List<ImageTar.Entry> dirs = new ArrayList<>();
        image.forEachLayerEntry((entry, body) -> {
            Path target = rootfs.resolve(entry.path().substring(1)).normalize();
            if (!target.startsWith(rootfs)) {
                throw new IOException("layer entry outside the root: " + entry.path());
            }
            if (entry.isDirectory()) {
                Files.createDirectories(target);
                dirs.add(entry);
            } else if (entry.isFile()) {
                Files.createDirectories(target.getParent());
                Files.write(target, body);
                Files.setPosixFilePermissions(target, permissions(entry.mode()));
            } else {
                throw new IOException("unexpected entry type '" + entry.type() + "': " + entry.path());
            }
        });
        for (ImageTar.Entry d : dirs) {
            Files.setPosixFilePermissions(rootfs.resolve(d.path().substring(1)), permissions(d.mode()));
        }
        Files.createDirectories(rootfs.resolve("proc")); // mount points a runtime provides
        Files.createDirectories(rootfs.resolve("dev"));
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, 0400 .. 0001
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /** Starts the image's entrypoint and command on a free port; with {@code clientKey} a client key is set. */
    static ImageRun start(ImageTar image, Path rootfs, Path log, boolean clientKey) throws IOException,
            InterruptedException {
        JsonNode c = image.config.path("config");
        int port = freePort();
        List<String> env = new ArrayList<>(List.of("SLUICE_PORT=" + port));
        if (clientKey) {
            env.add("SLUICE_CLIENT_KEY=" + CLIENT_KEY);
        }
        List<String> argv = new ArrayList<>();
        c.path("Entrypoint").forEach(a -> argv.add(a.asText()));
        c.path("Cmd").forEach(a -> argv.add(a.asText()));
        return launch(image, rootfs, log, env, argv, port);
    }

    /**
     * Runs {@code argv} in the image (as {@code docker exec} or a compose healthcheck would, with the image's
     * environment plus {@code env}) and returns its exit code; its output goes to {@code log}.
     */
    static int exec(ImageTar image, Path rootfs, Path log, List<String> env, List<String> argv)
            throws IOException, InterruptedException {
        ImageRun run = launch(image, rootfs, log, env, argv, 0);
        return run.awaitExit();
    }

    private static ImageRun launch(ImageTar image, Path rootfs, Path log, List<String> extraEnv, List<String> argv,
            int port) throws IOException, InterruptedException {
        JsonNode c = image.config.path("config");
        List<String> env = new ArrayList<>();
        c.path("Env").forEach(e -> env.add(e.asText()));
        env.addAll(extraEnv);
        List<String> command = new ArrayList<>();
        boolean namespaces = canUnshare();
        if (namespaces) {
            command.addAll(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                    "mount -t proc proc \"$0/proc\" && mount --rbind /dev \"$0/dev\" && exec \"$@\"",
                    rootfs.toString()));
        } else {
            deviceNodes(rootfs.resolve("dev"));
            env.add("LD_LIBRARY_PATH=/opt/java/lib:/opt/java/lib/server");
        }
        command.add("env");
        command.add("-i");
        command.addAll(env);
        command.addAll(List.of(chroot(), "--userspec=" + c.path("User").asText(), rootfs.toString()));
        command.addAll(argv);
        String mode = namespaces ? "mount namespace" : "no namespaces (device nodes, LD_LIBRARY_PATH)";
        int main = argv.indexOf("io.sluice.proxy.cli.Main");
        System.out.println("image run: sluice " + String.join(" ", argv.subList(main + 1, argv.size()))
                + " in a chroot, " + mode); // in the surefire report: which path CI took
        Files.writeString(log, "# " + mode + "\n", StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ImageRun(p, log, port);
    }

    /** {@code SLUICE_IMAGE_NAMESPACES=0} in the environment takes the path of a machine that refuses them. */
    private static boolean canUnshare() throws InterruptedException {
        if ("0".equals(System.getenv("SLUICE_IMAGE_NAMESPACES"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("unshare", "--mount", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deviceNodes(Path dev) throws IOException, InterruptedException {
        if (Files.exists(dev.resolve("null"))) {
            return; // made for an earlier run in this root
        }
        for (Map.Entry<String, String> node : Map.of("null", "3", "zero", "5", "random", "8", "urandom", "9")
                .entrySet()) {
            Process p = new ProcessBuilder("mknod", "-m", "666", dev.resolve(node.getKey()).toString(), "c", "1",
                    node.getValue()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("mknod /dev/" + node.getKey() + ": " + out);
            }
        }
    }

    private static String chroot() {
        for (String candidate : List.of("/usr/sbin/chroot", "/usr/bin/chroot", "/sbin/chroot")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no chroot (coreutils) on this machine");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Deletes a root file system {@link #unpack} made, after checking that nothing is mounted under it any more as
     * this process sees it: a {@code /dev} bind mount that had reached the host would be the host's devices.
     */
    static void delete(Path dir) throws IOException {
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
        if (mounts.contains(dir.toAbsolutePath().toString())) {
            throw new IllegalStateException("still mounted under " + dir + ", not deleting it:\n" + mounts);
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    int port() {
        return port;
    }

    /** Waits for the listening line (the JVM starts in about a second; a slow CI machine gets a minute). */
    void awaitListening() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (output().contains("Sluice listening on")) {
                return;
            }
            if (!process.isAlive()) {
                fail("the image exited " + process.exitValue() + " before listening:\n" + output());
            }
            Thread.sleep(50); // a child process gives no readiness signal but its output
        }
        fail("the image did not listen within 60 s:\n" + output());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .header("authorization", "Bearer " + CLIENT_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** SIGTERM (the chain of execs leaves the JVM as this pid), then the drain; SIGKILL only past 60 s. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("the image did not exit within 60 s:\n" + output());
        }
        return process.exitValue();
    }

    int exitCode() {
        return process.exitValue();
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
