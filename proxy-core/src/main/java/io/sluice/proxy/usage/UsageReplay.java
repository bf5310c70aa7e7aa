package io.sluice.proxy.usage;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a ledger file back into per-tuple counts, once, at startup.
 *
 * <p>A line counts only with its newline. A crash mid-append leaves an unterminated tail (or, after a power loss,
 * zeros where the filesystem had allocated but not written): the run of bad lines at the end of the file is cut off
 * so that the next append starts on a clean line. A bad line followed by good ones cannot be a torn append; it is
 * skipped, counted and left in place (the next compaction drops it).
 */
final class UsageReplay {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance("io.sluice.proxy");

    private static final int READ_BUFFER_BYTES = 64 * 1024;

    /**
     * @param tuples the counts per tuple, to be owned by the caller
     * @param since the since line, else the {@code t} of the first line; 0 for an empty file
     * @param corruptLines bad lines skipped in the middle of the file
     * @param truncatedBytes bytes cut off the end
     */
    record Result(Map<UsageTuple, Counts> tuples, long since, long corruptLines, long truncatedBytes) {}

    private final Map<UsageTuple, Counts> tuples = new HashMap<>();
    private long sinceLine;
    private long firstEpochMillis;
    private long corruptLines;
    private long firstCorruptOffset = -1;
    /** Start of the run of bad lines seen since the last good one; -1 when the last line was good. */
    private long badRunStart = -1;
    private long badRunLines;

    private UsageReplay() {}

    /** Replays {@code file}, creating it when missing and truncating a torn tail. */
    static Result replay(Path file) throws IOException {
        UsageReplay replay = new UsageReplay();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return replay.run(file, ch);
        }
    }

    private Result run(Path file, FileChannel ch) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES);
        byte[] line = new byte[256];
        int len = 0;
        boolean overlong = false;
        long lineStart = 0;
        long pos = 0; // file offset of in.array()[0]
        while (ch.read(in) >= 0) {
            byte[] a = in.array();
            int end = in.position();
            for (int i = 0; i < end; i++) {
                byte b = a[i];
                if (b == '\n') {
                    if (overlong) {
                        bad(lineStart);
                    } else if (len > 0) {
                        UsageLines.Line parsed = UsageLines.parse(line, 0, len);
                        if (parsed == null) {
                            bad(lineStart);
                        } else {
                            good(parsed);
                        }
                    }
                    lineStart = pos + i + 1;
                    len = 0;
                    overlong = false;
                } else if (!overlong) {
                    if (len == UsageLines.MAX_LINE_BYTES) {
                        overlong = true;
                    } else {
                        if (len == line.length) {
                            line = Arrays.copyOf(line, Math.min(line.length * 2, UsageLines.MAX_LINE_BYTES));
                        }
                        line[len++] = b;
                    }
                }
            }
            pos += end;
            in.clear();
        }
        if (len > 0 || overlong) {
            bad(lineStart); // no newline: a torn append
        }
        if (corruptLines > 0) {
            LOG.warn("{}: skipped {} corrupt line(s), the first at byte {}", file, corruptLines, firstCorruptOffset);
        }
        long truncated = 0;
        if (badRunStart >= 0) {
            truncated = pos - badRunStart;
            ch.truncate(badRunStart);
            ch.force(true);
            LOG.warn("{}: cut off {} torn or corrupt trailing line(s), {} bytes at byte {} (a crash mid-write?)",
                    file, badRunLines, truncated, badRunStart);
        }
        long since = sinceLine != 0 ? sinceLine : firstEpochMillis;
        return new Result(tuples, since, corruptLines, truncated);
    }

    private void good(UsageLines.Line line) {
        if (badRunStart >= 0) {
            if (firstCorruptOffset < 0) {
                firstCorruptOffset = badRunStart;
            }
            corruptLines += badRunLines;
            badRunStart = -1;
            badRunLines = 0;
        }
        if (line.tuple() == null) {
            if (sinceLine == 0) {
                sinceLine = line.since();
            }
            return;
        }
        if (firstEpochMillis == 0 && line.epochMillis() > 0) {
            firstEpochMillis = line.epochMillis();
        }
        tuples.computeIfAbsent(line.tuple(), t -> new Counts()).add(line.counts());
    }

    private void bad(long lineStart) {
        if (badRunStart < 0) {
            badRunStart = lineStart;
        }
        badRunLines++;
    }
}
