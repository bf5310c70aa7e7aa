package io.sluice.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

/**
 * This process's open file descriptors and TCP sockets, read from Linux's {@code /proc} (the test and the Sluice it
 * runs share one process): to prove a fault left no descriptor behind. A socket Sluice forgot to close after its peer
 * did sits in {@code CLOSE_WAIT}; a leaked file or pipe shows in the count of descriptors that are not sockets.
 */
public final class Sockets {

    /** One TCP socket of this process. */
    public record Tcp(int localPort, int remotePort, String state) {
    }

    private static final Map<String, String> STATES = Map.ofEntries(Map.entry("01", "ESTABLISHED"),
            Map.entry("02", "SYN_SENT"), Map.entry("03", "SYN_RECV"), Map.entry("04", "FIN_WAIT1"),
            Map.entry("05", "FIN_WAIT2"), Map.entry("06", "TIME_WAIT"), Map.entry("07", "CLOSE"),
            Map.entry("08", "CLOSE_WAIT"), Map.entry("09", "LAST_ACK"), Map.entry("0A", "LISTEN"),
            Map.entry("0B", "CLOSING"));

    private Sockets() {
    }

    /** Whether /proc can be read here (Linux); tests skip the descriptor checks elsewhere. */
    public static boolean available() {
        return Files.isDirectory(Path.of("/proc/self/fd")) && Files.isReadable(Path.of("/proc/net/tcp"));
    }

    /** The number of open descriptors that are not sockets (files, pipes, epoll and event fds). */
    public static int nonSocketDescriptors() throws IOException {
        int n = 0;
        for (String target : descriptorTargets()) {
            if (!target.startsWith("socket:")) {
                n++;
            }
        }
        return n;
    }

    /** This process's TCP sockets. */
    public static List<Tcp> tcp() throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String target : descriptorTargets()) {
            if (target.startsWith("socket:[")) {
                inodes.add(target.substring(8, target.length() - 1));
            }
        }
        Map<String, Tcp> byInode = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String inode = f[9];
                if (inodes.contains(inode)) {
                    byInode.put(inode, new Tcp(port(f[1]), port(f[2]),
                            STATES.getOrDefault(f[3].toUpperCase(Locale.ROOT), f[3])));
                }
            }
        }
        return new ArrayList<>(byInode.values());
    }

    /**
     * Sockets of this process in CLOSE_WAIT whose local or remote port matches: the peer closed and nobody here
     * closed its side, a descriptor leak.
     */
    public static List<Tcp> closeWait(IntPredicate localPort, IntPredicate remotePort) throws IOException {
        return tcp().stream().filter(t -> t.state().equals("CLOSE_WAIT"))
                .filter(t -> localPort.test(t.localPort()) || remotePort.test(t.remotePort())).toList();
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }

    private static List<String> descriptorTargets() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    out.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed between the listing and the read (the listing's own descriptor, for one)
                }
            }
        }
        return out;
    }
}
