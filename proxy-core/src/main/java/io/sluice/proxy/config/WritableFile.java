package io.sluice.proxy.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether Sluice could create or append to a file it writes (the usage ledger), checked before anything starts, so
 * {@code check-config} refuses what {@code serve} would fail on and {@code serve} says so in one line.
 */
public final class WritableFile {

    private WritableFile() {
    }

    /** Throws {@code at: "file" <what is wrong> (expected: ...)} when {@code file} cannot be written; null is fine. */
    public static void check(String at, Path file) {
        if (file == null) {
            return;
        }
        String problem = problem(file);
        if (problem != null) {
            throw ConfigException.at(at, "\"" + file + "\" " + problem + " (expected: a file Sluice can create or"
                    + " append to)");
        }
    }

    /** What keeps {@code file} from being written, or null. */
    static String problem(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            return "is a directory";
        }
        if (Files.exists(abs)) {
            return Files.isRegularFile(abs) && Files.isWritable(abs) ? null : "is not a writable file";
        }
        Path dir = abs.getParent();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (dir == null || existing == null) {
            return "has no directory that can be created";
        }
        if (!Files.isDirectory(existing)) {
            return "cannot be created: " + existing + " is not a directory";
        }
        if (!Files.isWritable(existing)) {
            return existing.equals(dir) ? "cannot be created: its directory is not writable"
                    : "cannot be created: its directory " + dir + " is missing and " + existing + " is not writable";
        }
        return null;
    }
}
