package io.sluice.proxy.logs;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only file rotated by size: before a line would take {@code <name>} past {@code maxBytes} it becomes
 * {@code <name>.1}, {@code .1} becomes {@code .2} and so on up to {@code .<keep>}; the oldest is deleted. A line longer
 * than {@code maxBytes} still goes whole into a fresh file. Used by the writer thread only: not thread-safe, blocking.
 */
final class RotatingFile implements Closeable {

    private final Path path;
    private final long maxBytes;
    private final int keep;
    private final int bufferSize;
    private OutputStream out;
    private long size;

    RotatingFile(Path path, long maxBytes, int keep, int bufferSize) {
        this.path = path;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.bufferSize = bufferSize;
    }

    static Path rotated(Path path, int generation) {
        return path.resolveSibling(path.getFileName() + "." + generation);
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        try {
            open();
            if (size > 0 && size + length > maxBytes) {
                rotate();
            }
            out.write(bytes, offset, length);
            size += length;
        } catch (IOException e) {
            // Reopen (and re-read the size) on the next write rather than keep a stream in an unknown state.
            closeQuietly();
            throw e;
        }
    }

    void flush() throws IOException {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                closeQuietly();
                throw e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        OutputStream o = out;
        out = null;
        if (o != null) {
            o.close();
        }
    }

    /** Opens the file now (it is otherwise opened by the first write), so that a bad path fails early. */
    void open() throws IOException {
        if (out != null) {
            return;
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        size = Files.exists(path) ? Files.size(path) : 0;
        out = new BufferedOutputStream(
                Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND), bufferSize);
    }

    private void rotate() throws IOException {
        close();
        if (keep == 0) {
            Files.deleteIfExists(path);
        } else {
            Files.deleteIfExists(rotated(path, keep));
            for (int i = keep - 1; i >= 1; i--) {
                Path from = rotated(path, i);
                if (Files.exists(from)) {
                    Files.move(from, rotated(path, i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, rotated(path, 1), StandardCopyOption.REPLACE_EXISTING);
        }
        size = 0;
        out = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), bufferSize);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // Already failing; the caller reports the first error.
        }
    }
}
