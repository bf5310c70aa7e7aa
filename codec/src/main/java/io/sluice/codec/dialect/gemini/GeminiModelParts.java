package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.ToolCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a model turn's {@code parts} array: thought parts, text, images and function calls, with thought signatures
 * where Gemini expects them. Used for assistant messages in requests and for non-streaming responses.
 *
 * <p>Signature placement. The hub keeps a signature on the {@link Part.Thinking} it closes; Gemini puts it on the part
 * after the thoughts and, for Gemini 3, <em>requires</em> it on the first {@code functionCall} of a step (a 400
 * otherwise). So: when the turn has calls, the first signature goes on the first {@code functionCall}; any other
 * signature goes on the next non-thought part after its thinking, else on the last part written; a turn with nothing
 * else to carry it drops it. Signatures are replayed because in a translated session they came from this upstream in
 * the first place (the client got them from Sluice); dropping them breaks Gemini 3 tool loops for certain.
 */
final class GeminiModelParts {

    private enum Kind { TEXT, THOUGHT, IMAGE, CALL }

    private static final class Out {
        final Kind kind;
        final Part part;
        final ToolCall call;
        final String text;
        String signature;

        Out(Kind kind, String text, Part part, ToolCall call) {
            this.kind = kind;
            this.text = text;
            this.part = part;
            this.call = call;
        }
    }

    private GeminiModelParts() {
    }

    /** Whether the turn has anything to write. */
    static boolean hasContent(List<Part> parts, List<ToolCall> calls) {
        if (!calls.isEmpty()) {
            return true;
        }
        for (Part p : parts) {
            if (p instanceof Part.Text t && !t.text().isEmpty() || p instanceof Part.Image
                    || p instanceof Part.Thinking th && !th.text().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes {@code "parts":[…]} (the field name included).
     *
     * @param drops   where to record what Gemini cannot take, or null
     * @param callIds write {@code functionCall.id}: yes in responses (Gemini 3 sends ids, clients keep them), never in
     *                requests (the API rejects it: {@code Unknown name "id" at 'contents[1].parts[0].function_call'},
     *                gemini-cli#13972, koog#735; calls and responses pair by name and order)
     */
    static void write(JsonGenerator g, List<Part> parts, List<ToolCall> calls, HubRequest drops, boolean callIds)
            throws IOException {
        List<Out> out = new ArrayList<>(parts.size() + calls.size());
        String callSignature = null;
        boolean callSignatureTaken = calls.isEmpty();
        String pending = null;
        for (Part p : parts) {
            if (p instanceof Part.Thinking t) {
                String sig = t.signature();
                if (sig != null && !callSignatureTaken) {
                    callSignature = sig;
                    callSignatureTaken = true;
                    sig = null;
                }
                if (!t.text().isEmpty()) {
                    out.add(new Out(Kind.THOUGHT, t.text(), p, null));
                }
                if (sig != null) {
                    if (pending != null) {
                        attachToLast(out, pending);
                    }
                    pending = sig;
                }
            } else if (p instanceof Part.Text t) {
                if (t.cacheControl() != null && drops != null) {
                    drops.drop("cache_control");
                }
                if (!t.text().isEmpty()) {
                    Out o = new Out(Kind.TEXT, t.text(), p, null);
                    o.signature = pending;
                    pending = null;
                    out.add(o);
                }
            } else if (p instanceof Part.Image) {
                Out o = new Out(Kind.IMAGE, null, p, null);
                o.signature = pending;
                pending = null;
                out.add(o);
            } else if (drops != null) {
                drops.drop("redacted_thinking");
            }
        }
        for (int i = 0; i < calls.size(); i++) {
            Out o = new Out(Kind.CALL, null, null, calls.get(i));
            if (i == 0 && callSignature != null) {
                o.signature = callSignature;
            } else if (pending != null) {
                o.signature = pending;
                pending = null;
            }
            out.add(o);
        }
        if (pending != null) {
            attachToLast(out, pending);
        }

        g.writeArrayFieldStart("parts");
        for (Out o : out) {
            g.writeStartObject();
            switch (o.kind) {
                case TEXT -> g.writeStringField("text", o.text);
                case THOUGHT -> {
                    g.writeStringField("text", o.text);
                    g.writeBooleanField("thought", true);
                }
                case IMAGE -> writeImage(g, (Part.Image) o.part, drops);
                case CALL -> {
                    g.writeObjectFieldStart("functionCall");
                    if (callIds && o.call.id() != null) {
                        g.writeStringField("id", o.call.id());
                    }
                    g.writeStringField("name", o.call.name());
                    g.writeFieldName("args");
                    if (!GeminiJson.writeArgs(g, o.call.arguments()) && drops != null) {
                        drops.drop("tool_calls.arguments (not a JSON object)");
                    }
                    g.writeEndObject();
                }
                default -> throw new IllegalStateException();
            }
            if (o.signature != null) {
                g.writeStringField("thoughtSignature", o.signature);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void attachToLast(List<Out> out, String signature) {
        for (int i = out.size() - 1; i >= 0; i--) {
            if (out.get(i).signature == null) {
                out.get(i).signature = signature;
                return;
            }
        }
        // nothing can carry it: dropped
    }

    /** {@code inlineData} for inline bytes, {@code fileData} for URLs (mime type guessed from the extension). */
    static void writeImage(JsonGenerator g, Part.Image img, HubRequest drops) throws IOException {
        if (drops != null && img.detail() != null) {
            drops.drop("image_url.detail");
        }
        if (drops != null && img.cacheControl() != null) {
            drops.drop("cache_control");
        }
        if (img.inline()) {
            g.writeObjectFieldStart("inlineData");
            g.writeStringField("mimeType", img.mediaType());
            g.writeStringField("data", img.data());
        } else {
            g.writeObjectFieldStart("fileData");
            String mime = img.mediaType() != null ? img.mediaType() : guessMime(img.url());
            if (mime != null) {
                g.writeStringField("mimeType", mime);
            }
            g.writeStringField("fileUri", img.url());
        }
        g.writeEndObject();
    }

    static String guessMime(String url) {
        String u = url.toLowerCase(java.util.Locale.ROOT);
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        if (u.endsWith(".png")) {
            return "image/png";
        }
        if (u.endsWith(".jpg") || u.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (u.endsWith(".webp")) {
            return "image/webp";
        }
        if (u.endsWith(".gif")) {
            return "image/gif";
        }
        if (u.endsWith(".heic")) {
            return "image/heic";
        }
        return null;
    }
}
