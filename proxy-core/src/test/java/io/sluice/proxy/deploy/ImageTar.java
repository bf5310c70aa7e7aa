package io.sluice.proxy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The image tarball Jib's {@code buildTar} writes, read back as {@code docker load} would: {@code manifest.json} names
 * the config blob and the gzipped layers, in order. A small ustar/pax reader, no dependency: Jib writes regular files
 * and directories, each after a pax header ({@code LIBARCHIVE.creationtime}, sometimes {@code path}).
 */
final class ImageTar {

    /** One file or directory of a layer; {@code content} only for files up to {@link #KEPT_BYTES}. */
    record Entry(String path, int mode, char type, long size, byte[] content) {
        boolean isDirectory() {
            return type == '5';
        }

        boolean isFile() {
            return type == '0' || type == '\0';
        }

        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    /** Called for every entry of a layer, with the whole body (Jib's largest file, lib/modules, is tens of MB). */
    interface Visitor {
        void visit(Entry entry, byte[] body) throws IOException;
    }

    static final int KEPT_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    final JsonNode manifest;
    final JsonNode config;
    private final Map<String, byte[]> blobs;

    private ImageTar(JsonNode manifest, JsonNode config, Map<String, byte[]> blobs) {
        this.manifest = manifest;
        this.config = config;
        this.blobs = blobs;
    }

    static ImageTar read(Path tar) throws IOException {
        Map<String, byte[]> blobs = new HashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            forEach(in, (entry, body) -> blobs.put(entry.path().substring(1), body));
        }
        JsonNode manifest = JSON.readTree(blob(blobs, "manifest.json"));
        if (!manifest.isArray() || manifest.size() != 1) {
            throw new IOException("manifest.json: expected one image, got " + manifest);
        }
        JsonNode config = JSON.readTree(blob(blobs, manifest.get(0).path("Config").asText()));
        return new ImageTar(manifest.get(0), config, blobs);
    }

    private static byte[] blob(Map<String, byte[]> blobs, String name) throws IOException {
        byte[] b = blobs.get(name);
        if (b == null) {
            throw new IOException("the image tar has no " + name + " (has " + blobs.keySet() + ")");
        }
        return b;
    }

    /** The layer file names, bottom first. */
    List<String> layerNames() {
        List<String> names = new ArrayList<>();
        manifest.path("Layers").forEach(n -> names.add(n.asText()));
        return names;
    }

    boolean hasBlob(String name) {
        return blobs.containsKey(name);
    }

    /** Every entry of every layer, bottom layer first. */
    void forEachLayerEntry(Visitor visitor) throws IOException {
        for (String layer : layerNames()) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob(blobs, layer)))) {
                forEach(in, visitor);
            }
        }
    }

    /** The file system the layers add up to, path to entry (no whiteouts: Jib writes none). */
    Map<String, Entry> files() throws IOException {
        Map<String, Entry> files = new LinkedHashMap<>();
        forEachLayerEntry((entry, body) -> files.put(entry.path(), entry));
        return files;
    }

    static void forEach(InputStream in, Visitor visitor) throws IOException {
        byte[] header = new byte[512];
        String paxPath = null;
        while (true) {
            if (in.readNBytes(header, 0, 512) != 512) {
                throw new EOFException("tar ends without its two zero blocks");
            }
            if (allZero(header)) {
                return;
            }
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            byte[] body = in.readNBytes(Math.toIntExact(size));
            if (body.length != size) {
                throw new EOFException(name + ": " + body.length + " of " + size + " bytes");
            }
            in.skipNBytes((512 - size % 512) % 512);
            if (type == 'x') {
                paxPath = pax(body).get("path");
            } else if (type != 'g') {
                String path = paxPath != null ? paxPath : prefix.isEmpty() ? name : prefix + "/" + name;
                paxPath = null;
                path = "/" + path.replaceAll("^(\\./|/)+", "").replaceAll("/+$", "");
                Entry entry = new Entry(path, (int) octal(header, 100, 8), type, size,
                        size <= KEPT_BYTES ? body : null);
                visitor.visit(entry, body);
            }
        }
    }

    /** Pax records: {@code "<length> <key>=<value>\n"}. */
    private static Map<String, String> pax(byte[] body) {
        Map<String, String> records = new HashMap<>();
        int at = 0;
        while (at < body.length) {
            int space = indexOf(body, (byte) ' ', at);
            int length = Integer.parseInt(new String(body, at, space - at, StandardCharsets.US_ASCII));
            String record = new String(body, space + 1, length - (space + 1 - at) - 1, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            records.put(record.substring(0, eq), record.substring(eq + 1));
            at += length;
        }
        return records;
    }

    private static int indexOf(byte[] b, byte value, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("bad pax record at " + from);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String s = field(header, offset, length).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    /** The program interpreter (PT_INTERP) an ELF64 little-endian executable names: the dynamic loader it needs. */
    static String elfInterpreter(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
            throw new IllegalArgumentException("not an ELF64 little-endian file");
        }
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff;
        int phnum = b.getShort(0x38) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            int ph = Math.toIntExact(phoff + (long) i * phentsize);
            if (b.getInt(ph) == 3) { // PT_INTERP: a NUL-terminated path
                int offset = Math.toIntExact(b.getLong(ph + 8));
                int size = Math.toIntExact(b.getLong(ph + 32));
                return new String(elf, offset, size - 1, StandardCharsets.US_ASCII);
            }
        }
        throw new IllegalArgumentException("statically linked: no PT_INTERP");
    }
}
