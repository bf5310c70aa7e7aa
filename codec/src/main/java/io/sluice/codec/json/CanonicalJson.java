package io.sluice.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Feeds a digest with a canonical form of one JSON document, so that documents that mean the same hash the same:
 * object members in any order, any whitespace, any escaping of the same text ({@code "\u0041"} is {@code "A"}), and
 * numbers by value ({@code 1}, {@code 1.0}, {@code 1e0} and {@code 10E-1} are one number). Arrays keep their order.
 * Nothing is built but one small list per object being read: each member's value is hashed on its own (SHA-256),
 * and the object is the sorted list of (name, value hash), so no canonical text is ever held.
 *
 * <p>The canonical form, written to the caller's digest: {@code n} null, {@code t}/{@code f}, {@code d} + length +
 * the number's unscaled digits and scale after trailing zeros are stripped, {@code s} + length + each UTF-16 code
 * unit as UTF-8, {@code [} elements {@code ]}, and <code>{</code> (name, 32-byte value hash)... <code>}</code>.
 *
 * <p>Work is bounded: {@link JsonLimits#MAX_REQUEST_TOKENS} tokens and jackson's nesting depth; over either, or for
 * a body that is not UTF-8 JSON, an {@link IOException}. Not thread-safe: one per call (it holds a digest per depth).
 */
public final class CanonicalJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH)
                    .maxTokenCount(JsonLimits.MAX_REQUEST_TOKENS)
                    .build())
            .build();

    /** Never updated: only cloned ({@link #sha256}). */
    private static final MessageDigest SHA256 = newSha256();

    private static final Comparator<Member> ORDER = Comparator.comparing(Member::name)
            .thenComparing(Member::hash, Arrays::compare);

    /** One digest per nesting depth, for the member values being hashed at that depth. */
    private final List<MessageDigest> digests = new ArrayList<>();
    private final byte[] scratch = new byte[512];
    private final Set<String> skipTop;

    private CanonicalJson(Set<String> skipTop) {
        this.skipTop = skipTop;
    }

    /**
     * Feeds {@code out} with the canonical form of the document in {@code json}'s readable bytes (indexes untouched,
     * not owned). Members of the root object named in {@code skipTop} are left out.
     *
     * @throws IOException when the bytes are not one UTF-8 JSON document, or over the work budget
     */
    public static void digest(ByteBuf json, Set<String> skipTop, MessageDigest out) throws IOException {
        int r = json.readerIndex();
        if (json.readableBytes() >= 2 && (json.getByte(r) == 0 || json.getByte(r + 1) == 0
                || (json.getByte(r) & 0xFE) == 0xFE && (json.getByte(r + 1) & 0xFE) == 0xFE)) {
            throw new CharConversionException("not UTF-8 (JSON must be, RFC 8259)");
        }
        try (JsonParser p = json.hasArray()
                ? FACTORY.createParser(json.array(), json.arrayOffset() + r, json.readableBytes())
                : FACTORY.createParser((java.io.InputStream) new ByteBufInputStream(json.duplicate()))) {
            CanonicalJson c = new CanonicalJson(skipTop);
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("empty document");
            }
            c.value(p, t, out, 0);
            if (p.nextToken() != null) {
                throw new IOException("more than one JSON value");
            }
        }
    }

    /** A new SHA-256 digest: a clone of one never used, cheaper than a provider lookup per digest. */
    public static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private void value(JsonParser p, JsonToken t, MessageDigest out, int depth) throws IOException {
        switch (t) {
            case START_OBJECT -> object(p, out, depth);
            case START_ARRAY -> {
                out.update((byte) '[');
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    value(p, e, out, depth + 1);
                }
                out.update((byte) ']');
            }
            case VALUE_STRING -> text(out, 's', p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p, t, out);
            case VALUE_TRUE -> out.update((byte) 't');
            case VALUE_FALSE -> out.update((byte) 'f');
            case VALUE_NULL -> out.update((byte) 'n');
            default -> throw new IOException("unexpected token " + t);
        }
    }

    private void object(JsonParser p, MessageDigest out, int depth) throws IOException {
        List<Member> members = new ArrayList<>();
        MessageDigest d = digestAt(depth);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (depth == 0 && skipTop.contains(name)) {
                p.skipChildren();
                continue;
            }
            value(p, v, d, depth + 1);
            members.add(new Member(name, d.digest())); // digest() also resets it for the next member
        }
        members.sort(ORDER);
        out.update((byte) '{');
        for (Member m : members) {
            char[] n = m.name().toCharArray();
            text(out, 'k', n, 0, n.length);
            out.update(m.hash());
        }
        out.update((byte) '}');
    }

    private MessageDigest digestAt(int depth) {
        while (digests.size() <= depth) {
            digests.add(sha256());
        }
        return digests.get(depth);
    }

    private void number(JsonParser p, JsonToken t, MessageDigest out) throws IOException {
        BigDecimal v;
        if (t == JsonToken.VALUE_NUMBER_INT) {
            v = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? new BigDecimal(p.getBigIntegerValue())
                    : BigDecimal.valueOf(p.getLongValue());
        } else {
            v = p.getDecimalValue();
        }
        v = v.signum() == 0 ? BigDecimal.ZERO : v.stripTrailingZeros();
        BigInteger unscaled = v.unscaledValue();
        byte[] digits = (unscaled + "e" + v.scale()).getBytes(StandardCharsets.US_ASCII);
        out.update((byte) 'd');
        length(out, digits.length);
        out.update(digits);
    }

    /**
     * A type byte, the length in UTF-16 code units, then each code unit in UTF-8 form on its own (1 to 3 bytes; a
     * surrogate is encoded alone, as CESU-8 does): a prefix-free code, so distinct texts never feed the same bytes,
     * and ASCII text (most of a prompt) costs one byte per character to hash, not two.
     */
    private void text(MessageDigest out, char type, char[] chars, int off, int len) {
        out.update((byte) type);
        length(out, len);
        byte[] b = scratch;
        int n = 0;
        for (int i = off, end = off + len; i < end; i++) {
            if (n > b.length - 3) {
                out.update(b, 0, n);
                n = 0;
            }
            char c = chars[i];
            if (c < 0x80) {
                b[n++] = (byte) c;
            } else if (c < 0x800) {
                b[n++] = (byte) (0xC0 | c >>> 6);
                b[n++] = (byte) (0x80 | c & 0x3F);
            } else {
                b[n++] = (byte) (0xE0 | c >>> 12);
                b[n++] = (byte) (0x80 | c >>> 6 & 0x3F);
                b[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        out.update(b, 0, n);
    }

    private static void length(MessageDigest out, int n) {
        out.update((byte) (n >>> 24));
        out.update((byte) (n >>> 16));
        out.update((byte) (n >>> 8));
        out.update((byte) n);
    }

    private record Member(String name, byte[] hash) {
    }
}
