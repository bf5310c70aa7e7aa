package io.sluice.proxy.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The embedded response store on disk: one JSON line per change ({@code put} with the whole answer, {@code delete}),
 * appended by one daemon thread so that no event loop waits on the disk, replayed at start. When the appended lines
 * outgrow the live answers the file is rewritten from them (temporary file, then an atomic rename; mode 0600: it holds
 * conversations). A torn last line (a crash mid-write) is skipped.
 */
final class ResponseLog {

    static final String FILE_NAME = "responses.jsonl";
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(ResponseLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    /** The log is rewritten once it holds this much more than the live answers. */
    private static final long COMPACT_SLACK_BYTES = 8L << 20;

    /** A line read back: a put ({@code put != null}) or a delete of {@code scope}/{@code id}. */
    record Entry(String scope, String id, StoredResponse put) {
    }

    /** The live answers and their bytes, to rewrite the log from. */
    record Snapshot(List<StoredResponse> answers, long bytes) {
    }

    private final Path file;
    private final ExecutorService writer;
    /** Writer thread only. */
    private FileChannel out;
    private long fileBytes;
    private long liveBytes;

    ResponseLog(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sluice-responses-store");
            t.setDaemon(true);
            return t;
        });
    }

    /** The file's lines in order; at start, before any write. */
    List<Entry> load() {
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    entries.add(entry(JSON.readTree(line)));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{}: line {} skipped ({})", file, n, e.getClass().getSimpleName());
                }
            }
        } catch (NoSuchFileException e) {
            return entries;
        } catch (IOException e) {
            LOG.warn("{}: cannot read stored responses: {}", file, e.toString());
        }
        return entries;
    }

    /** The answer of a {@link #putLine} line, as another instance wrote it to shared state. */
    static StoredResponse parsePut(String line) throws IOException {
        StoredResponse r = entry(JSON.readTree(line)).put();
        if (r == null) {
            throw new IOException("not a put");
        }
        return r;
    }

    private static Entry entry(JsonNode n) throws IOException {
        String op = n.path("op").asText();
        String scope = n.get("scope").asText();
        String id = n.get("id").asText();
        if (op.equals("delete")) {
            return new Entry(scope, id, null);
        }
        if (!op.equals("put") || !n.path("input").isArray() || !n.path("response").isObject()) {
            throw new IOException("not a put or delete");
        }
        List<String> items = new ArrayList<>();
        n.path("items").forEach(i -> items.add(i.asText()));
        return new Entry(scope, id, new StoredResponse(scope, id, n.path("stored_at").asLong(),
                JSON.writeValueAsBytes(n.get("input")), JSON.writeValueAsBytes(n.get("response")), items));
    }

    /** Rewrites the file from {@code answers}; at start (the caller's thread) or on the writer thread. */
    void compact(List<StoredResponse> answers, long bytes) {
        closeOut();
        try {
            Files.createDirectories(file.getParent());
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
            FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(owner)}
                    : new FileAttribute<?>[0];
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp", attrs);
            long written = 0;
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    for (StoredResponse r : answers) {
                        written += write(ch, putLine(r));
                    }
                    ch.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            fileBytes = written;
            liveBytes = bytes;
        } catch (IOException e) {
            LOG.warn("{}: cannot rewrite stored responses: {}", file, e.toString());
        }
    }

    void appendPut(StoredResponse r, Supplier<Snapshot> live) {
        submit(() -> append(putLine(r), live));
    }

    void appendDelete(String scope, String id, Supplier<Snapshot> live) {
        submit(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(96);
            try (JsonGenerator g = FACTORY.createGenerator((OutputStream) buf)) {
                g.writeStartObject();
                g.writeStringField("op", "delete");
                g.writeStringField("scope", scope);
                g.writeStringField("id", id);
                g.writeEndObject();
            }
            buf.write('\n');
            append(buf.toByteArray(), live);
        });
    }

    private interface Job {
        void run() throws IOException;
    }

    private void submit(Job job) {
        try {
            writer.execute(() -> {
                try {
                    job.run();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{}: cannot write stored responses: {}", file, e.toString());
                    closeOut();
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: the answer stays in memory only
        }
    }

    private void append(byte[] line, Supplier<Snapshot> live) throws IOException {
        if (out == null) {
            Files.createDirectories(file.getParent());
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            fileBytes = out.size();
        }
        fileBytes += write(out, line);
        if (fileBytes > 2 * liveBytes + COMPACT_SLACK_BYTES) {
            Snapshot s = live.get();
            compact(s.answers(), s.bytes());
        }
    }

    private static int write(FileChannel ch, byte[] line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) {
            ch.write(b);
        }
        return line.length;
    }

    static byte[] putLine(StoredResponse r) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(r.input().length + r.response().length + 256);
        try (JsonGenerator g = FACTORY.createGenerator((OutputStream) buf)) {
            g.writeStartObject();
            g.writeStringField("op", "put");
            g.writeStringField("scope", r.scope());
            g.writeStringField("id", r.id());
            g.writeNumberField("stored_at", r.storedAt());
            g.writeArrayFieldStart("items");
            for (String i : r.itemIds()) {
                g.writeString(i);
            }
            g.writeEndArray();
            g.writeFieldName("input");
            g.writeRawValue(new String(r.input(), StandardCharsets.UTF_8));
            g.writeFieldName("response");
            g.writeRawValue(new String(r.response(), StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        buf.write('\n');
        return buf.toByteArray();
    }

    private void closeOut() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("close failed", e);
            }
            out = null;
        }
    }

    /** Writes what is queued (waiting a few seconds at most), then stops the writer. */
    void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("{}: stored responses still being written at shutdown", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeOut(); // the writer has stopped: no other thread uses the channel now
    }
}
