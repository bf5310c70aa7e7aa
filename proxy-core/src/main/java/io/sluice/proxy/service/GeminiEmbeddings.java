package io.sluice.proxy.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.hub.HubError;
import io.sluice.proxy.exchange.ForwardingSink;
import io.sluice.proxy.exchange.ResponseSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini's {@code :embedContent} and {@code :batchEmbedContents} on a provider that speaks OpenAI's API: the request
 * becomes an OpenAI {@code /embeddings} body (one input per request, the text of its parts;
 * {@code outputDimensionality} becomes {@code dimensions}; {@code taskType} and {@code title} have no OpenAI
 * counterpart and are dropped), and the answer Gemini's {@code {"embedding":{"values":[…]}}} or
 * {@code {"embeddings":[{"values":[…]},…]}}, in the order of the requests.
 */
final class GeminiEmbeddings {

    /**
     * The OpenAI body, owned by the caller, and where its model value lies (quotes included) for the splice.
     *
     * @param count how many inputs it holds
     */
    record Request(ByteBuf body, int modelStart, int modelEnd, int count) {
    }

    private GeminiEmbeddings() {
    }

    /** The OpenAI body for a Gemini embed {@code body} (not released here), or null after answering it 400. */
    static Request request(ByteBuf body, GeminiPath path, String model, ResponseSink sink) {
        try {
            return request(body, path.method() == GeminiPath.Method.BATCH_EMBED, model, sink.alloc());
        } catch (JsonBody.BadBody e) {
            SimpleHandler.error(sink, Dialects.GEMINI, HttpResponseStatus.BAD_REQUEST, e.getMessage(),
                    "invalid_request", e.param());
            return null;
        } catch (WorkBudgetException e) {
            SimpleHandler.tooComplex(sink, Dialects.GEMINI, e);
            return null;
        }
    }

    /** The OpenAI embeddings request for a Gemini body (not released here) asking for {@code model}. */
    static Request request(ByteBuf gemini, boolean batch, String model, ByteBufAllocator alloc)
            throws JsonBody.BadBody {
        ObjectNode root = JsonBody.read(gemini);
        List<JsonNode> requests = new ArrayList<>();
        if (batch) {
            JsonNode list = root.get("requests");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw new JsonBody.BadBody("requests: " + (list == null ? "missing" : JsonBody.kind(list))
                        + " (expected: a non-empty array of embed requests)", "requests");
            }
            list.forEach(requests::add);
        } else {
            requests.add(root);
        }
        List<String> inputs = new ArrayList<>(requests.size());
        Integer dimensions = null;
        for (int i = 0; i < requests.size(); i++) {
            String at = batch ? "requests[" + i + "]." : "";
            JsonNode r = requests.get(i);
            if (!r.isObject()) {
                throw new JsonBody.BadBody(at + ": " + JsonBody.kind(r) + " (expected: an object)", "requests");
            }
            inputs.add(text(r.get("content"), at + "content"));
            JsonNode d = r.get("outputDimensionality");
            Integer dim = d == null || d.isNull() ? null : d.canConvertToInt() && d.asInt() > 0 ? d.asInt() : -1;
            if (dim != null && dim < 0) {
                throw new JsonBody.BadBody(at + "outputDimensionality: " + d + " (expected: a positive integer)",
                        "outputDimensionality");
            }
            if (i > 0 && !java.util.Objects.equals(dim, dimensions)) {
                throw new JsonBody.BadBody(at + "outputDimensionality differs from the first request's; the provider"
                        + " takes one per call", "outputDimensionality");
            }
            dimensions = dim;
        }
        String prefix = "{\"model\":";
        String quoted = "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(model)) + "\"";
        Integer dims = dimensions;
        ByteBuf body = JsonBody.write(alloc, g -> {
            g.writeRaw(prefix + quoted);
            g.writeRaw(",\"input\":");
            g.writeStartArray();
            for (String s : inputs) {
                g.writeString(s);
            }
            g.writeEndArray();
            g.writeRaw(",\"encoding_format\":\"float\"");
            if (dims != null) {
                g.writeRaw(",\"dimensions\":" + dims);
            }
            g.writeRaw('}');
        });
        int start = prefix.length();
        return new Request(body, start, start + quoted.getBytes(StandardCharsets.UTF_8).length, inputs.size());
    }

    /** The text of a {@code Content}: its text parts joined; anything else cannot be sent as OpenAI input. */
    private static String text(JsonNode content, String at) throws JsonBody.BadBody {
        JsonNode parts = content == null ? null : content.get("parts");
        if (parts == null || !parts.isArray() || parts.isEmpty()) {
            throw new JsonBody.BadBody(at + ".parts: missing (expected: a non-empty array of text parts)", "content");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode p : parts) {
            JsonNode t = p.get("text");
            if (t == null || !t.isTextual()) {
                throw new JsonBody.BadBody(at + ".parts: only text parts can be embedded by an OpenAI-compatible"
                        + " provider", "content");
            }
            text.append(text.length() == 0 ? "" : "\n").append(t.asText());
        }
        return text.toString();
    }

    /** A sink that answers Gemini's shape from the provider's OpenAI embeddings answer, written to {@code out}. */
    static Answer answer(ResponseSink out, boolean batch) {
        return new Answer(out, batch);
    }

    /** Holds a 2xx answer whole, then writes it again in Gemini's shape; errors pass through (the writer shapes). */
    static final class Answer extends ForwardingSink {
        private final boolean batch;
        private HttpResponse held;
        private CompositeByteBuf body;

        Answer(ResponseSink client, boolean batch) {
            super(client);
            this.batch = batch;
        }

        @Override
        public void head(HttpResponse head) {
            if (head.status().codeClass() != HttpStatusClass.SUCCESS || held != null) {
                client.head(head);
                return;
            }
            held = head;
            body = client.alloc().compositeBuffer(Integer.MAX_VALUE);
            if (head instanceof FullHttpResponse full) {
                body.addComponent(true, full.content().retain());
                full.release();
            }
        }

        @Override
        public void content(ByteBuf chunk) {
            if (body == null) {
                client.content(chunk);
            } else {
                body.addComponent(true, chunk);
            }
        }

        @Override
        public void flush() {
            if (body == null) {
                client.flush();
            }
        }

        @Override
        public void end(ByteBuf lastOrNull) {
            if (body == null) {
                client.end(lastOrNull);
                return;
            }
            if (lastOrNull != null) {
                body.addComponent(true, lastOrNull);
            }
            ByteBuf gemini;
            try {
                gemini = translate(body, batch, client.alloc());
            } catch (IOException | RuntimeException e) {
                release();
                held = null;
                client.endWithError(HubError.of(502, "the provider's embeddings answer could not be read: "
                        + e.getMessage()).withCode("bad_upstream_response", null));
                return;
            }
            release();
            FullHttpResponse res = new DefaultFullHttpResponse(held.protocolVersion(), HttpResponseStatus.OK, gemini);
            res.headers().set(held.headers()).remove(HttpHeaderNames.TRANSFER_ENCODING)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, gemini.readableBytes());
            held = null;
            client.head(res);
            client.end(null);
        }

        @Override
        public void endWithError(HubError error) {
            release();
            client.endWithError(error);
        }

        @Override
        public void fail(HttpResponseStatus status, String message, String code) {
            release();
            client.fail(status, message, code);
        }

        @Override
        public void failRetryAfter(HttpResponseStatus status, String message, String code, long retryAfterSeconds) {
            release();
            client.failRetryAfter(status, message, code, retryAfterSeconds);
        }

        @Override
        public boolean headSent() {
            return held != null || client.headSent();
        }

        /** Drops a held answer: the client left, or the exchange failed. */
        void release() {
            if (body != null) {
                body.release();
                body = null;
            }
        }
    }

    /** OpenAI's {@code {"data":[{"index":i,"embedding":[…]}]}} as Gemini's answer, in index order. */
    static ByteBuf translate(ByteBuf openAi, boolean batch, ByteBufAllocator alloc) throws IOException {
        List<String> vectors = new ArrayList<>();
        try (JsonParser p = JsonIo.parser(openAi)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (!name.equals("data")) {
                    p.skipChildren();
                    continue;
                }
                if (p.currentToken() != JsonToken.START_ARRAY) {
                    throw new IOException("data is not an array");
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    readItem(p, vectors);
                }
            }
        }
        if (vectors.isEmpty() || vectors.contains(null)) {
            throw new IOException("no embeddings in data");
        }
        return JsonBody.write(alloc, g -> {
            g.writeStartObject();
            if (batch) {
                g.writeArrayFieldStart("embeddings");
                for (String v : vectors) {
                    values(g, v);
                }
                g.writeEndArray();
            } else {
                g.writeFieldName("embedding");
                values(g, vectors.get(0));
            }
            g.writeEndObject();
        });
    }

    private static void values(JsonGenerator g, String vector) throws IOException {
        g.writeStartObject();
        g.writeFieldName("values");
        g.writeRawValue(vector);
        g.writeEndObject();
    }

    private static void readItem(JsonParser p, List<String> vectors) throws IOException {
        int index = vectors.size();
        String vector = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("index") && t == JsonToken.VALUE_NUMBER_INT) {
                index = p.getIntValue();
            } else if (name.equals("embedding") && t == JsonToken.START_ARRAY) {
                StringBuilder sb = new StringBuilder("[");
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    sb.append(sb.length() == 1 ? "" : ",").append(p.getText());
                }
                vector = sb.append(']').toString();
            } else {
                p.skipChildren();
            }
        }
        if (vector == null || index < 0 || index > 100_000) {
            throw new IOException("an embedding without a float vector or with a bad index");
        }
        while (vectors.size() <= index) {
            vectors.add(null);
        }
        vectors.set(index, vector);
    }
}
