package io.sluice.proxy.mock;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Small, valid PNG images for the mock provider's image generation: an RGB gradient whose colours come from a seed,
 * so the same prompt draws the same picture. PNG spec: https://www.w3.org/TR/png-3/ (signature, IHDR, IDAT, IEND).
 */
final class MockPng {

    static final int SIZE = 16;
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private MockPng() {
    }

    /** A {@value #SIZE}×{@value #SIZE} 8-bit RGB PNG drawn from {@code seed}. */
    static byte[] draw(long seed) {
        int r0 = (int) (seed & 0xff);
        int g0 = (int) ((seed >>> 8) & 0xff);
        int b0 = (int) ((seed >>> 16) & 0xff);
        byte[] raw = new byte[SIZE * (1 + SIZE * 3)];
        int p = 0;
        for (int y = 0; y < SIZE; y++) {
            raw[p++] = 0; // filter: none
            for (int x = 0; x < SIZE; x++) {
                raw[p++] = (byte) (r0 + x * 8);
                raw[p++] = (byte) (g0 + y * 8);
                raw[p++] = (byte) (b0 + (x + y) * 4);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, SIZE);
        putInt(ihdr, 4, SIZE);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: truecolour (RGB)
        // compression, filter method and interlace: 0
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", deflate(raw));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(); // zlib format, as IDAT wants
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2);
            byte[] buf = new byte[512];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end(); // frees its native memory now rather than at GC
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] head = new byte[8];
        putInt(head, 0, data.length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(typeBytes, 0, head, 4, 4);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.writeBytes(head);
        out.writeBytes(data);
        out.writeBytes(tail);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
