package io.sluice.proxy.logs;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Optional per-provider log files: {@code <dir>/<provider>.log}, one JSON object per line (the ENTRY fields of
 * {@link LogEntry} behind a readable {@code "time"} in ISO-8601 UTC), rotated by size to {@code .1} … {@code .<keep>}.
 * <p>
 * {@link #offer} is safe on an event loop: it puts the entry in a bounded MPSC queue and returns; when the queue is
 * full the entry is dropped and counted. One daemon thread, {@value #THREAD_NAME}, does all file work.
 */
public final class ProviderLogFiles implements AutoCloseable {

    public static final String THREAD_NAME = "sluice-logs";
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_KEEP = 5;
    public static final int DEFAULT_QUEUE_CAPACITY = 16 * 1024;
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(5);
    /** Many providers, short lines: a small buffer per file is enough. */
    private static final int FILE_BUFFER = 8 * 1024;

    private final Path dir;
    private final AsyncWriter<LogEntry> writer;

    public ProviderLogFiles(Path dir, long maxBytes, int keep) throws IOException {
        this(dir, maxBytes, keep, DEFAULT_QUEUE_CAPACITY);
    }

    /** Creates {@code dir} if needed (fails here, at startup, if it cannot) and starts the writer thread. */
    public ProviderLogFiles(Path dir, long maxBytes, int keep, int queueCapacity) throws IOException {
        checkLimits(maxBytes, keep);
        if (queueCapacity < 2) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 2)");
        }
        this.dir = Files.createDirectories(dir);
        this.writer = new AsyncWriter<>(THREAD_NAME, queueCapacity, new FileSink(this.dir, maxBytes, keep));
    }

    static void checkLimits(long maxBytes, int keep) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: >= 0)");
        }
    }

    /** {@code openai.log} for {@code openai}; characters other than {@code [A-Za-z0-9._-]} become {@code _}. */
    public static String fileName(String provider) {
        StringBuilder sb = new StringBuilder(provider.length() + 4);
        for (int i = 0; i < provider.length(); i++) {
            char c = provider.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-';
            sb.append(ok ? c : '_');
        }
        if (sb.length() == 0) {
            sb.append('_');
        }
        return sb.append(".log").toString();
    }

    public Path dir() {
        return dir;
    }

    /** The current (not yet rotated) file of {@code provider}. */
    public Path file(String provider) {
        return dir.resolve(fileName(provider));
    }

    /** Queues {@code entry} for its provider's file; never blocks. {@code false} when dropped (queue full, closed). */
    public boolean offer(LogEntry entry) {
        return writer.offer(entry);
    }

    /** Entries dropped because the queue was full or the sink closed. */
    public long dropped() {
        return writer.dropped();
    }

    /** Entries written to a file so far. */
    public long written() {
        return writer.written();
    }

    /** Failed writes and flushes (e.g. disk full); the first of a run is logged. */
    public long errors() {
        return writer.errors();
    }

    /** {@link #flush(Duration)} with {@link #DEFAULT_FLUSH_TIMEOUT}. */
    public boolean flush() {
        return flush(DEFAULT_FLUSH_TIMEOUT);
    }

    /**
     * Waits until every entry offered before this call is on disk (flushed, not fsynced), at most {@code timeout}.
     * Blocks: not for event loops. {@code false} on timeout.
     */
    public boolean flush(Duration timeout) {
        return writer.flush(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Writes what is queued, closes the files and stops the thread (bounded wait). Idempotent. */
    @Override
    public void close() {
        writer.close();
    }

    /** Writer-thread side: one rotating file per sanitised name, so two names that sanitise alike share a file. */
    private static final class FileSink implements AsyncWriter.Sink<LogEntry> {

        private final Path dir;
        private final long maxBytes;
        private final int keep;
        private final Map<String, RotatingFile> files = new HashMap<>();
        private final LineBuffer line = new LineBuffer(512);

        FileSink(Path dir, long maxBytes, int keep) {
            this.dir = dir;
            this.maxBytes = maxBytes;
            this.keep = keep;
        }

        @Override
        public void write(LogEntry e) throws IOException {
            try (JsonGenerator g = JsonLines.generator(line)) {
                g.writeStartObject();
                g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(e.timestamp())));
                e.writeFields(g);
                g.writeEndObject();
            }
            line.write('\n');
            String name = fileName(e.provider());
            RotatingFile file = files.get(name);
            if (file == null) {
                file = new RotatingFile(dir.resolve(name), maxBytes, keep, FILE_BUFFER);
                files.put(name, file);
            }
            file.write(line.array(), 0, line.size());
        }

        @Override
        public void flush() throws IOException {
            IOException first = null;
            for (RotatingFile f : files.values()) {
                try {
                    f.flush();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            for (RotatingFile f : files.values()) {
                try {
                    f.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            files.clear();
            if (first != null) {
                throw first;
            }
        }
    }
}
