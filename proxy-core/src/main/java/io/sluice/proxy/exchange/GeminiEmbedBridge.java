package io.sluice.proxy.exchange;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.hub.HubError;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeddings on a Gemini provider: an OpenAI {@code /embeddings} body (what {@code /v1/embeddings} clients send, and
 * what Gemini's own embed routes are turned into) becomes one {@code :batchEmbedContents} call for the model the
 * attempt targets (each request names it, as Gemini requires), and Gemini's {@code {"embeddings":[{"values"}]}} comes
 * back as OpenAI's list in input order. Strings only: token-id inputs have no Gemini counterpart. Gemini reports no
 * token usage for embeddings, so none is written.
 */
public final class GeminiEmbedBridge {

    private GeminiEmbedBridge() {
    }

    /** The Gemini batch body for an OpenAI embeddings body (not released), for {@code upstreamModel}. */
    public static ByteBuf request(ByteBuf openAi, String upstreamModel, ByteBufAllocator alloc)
            throws RequestException {
        List<String> inputs = new ArrayList<>();
        Integer dimensions = null;
        try (JsonParser p = JsonIo.requestParser(openAi)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RequestException("request body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("input")) {
                    readInput(p, t, inputs);
                } else if (name.equals("dimensions") && t == JsonToken.VALUE_NUMBER_INT) {
                    dimensions = p.getIntValue();
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            JsonIo.overBudget(e);
            throw new RequestException("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RequestException("request body is not valid JSON: " + e.getMessage());
        }
        if (inputs.isEmpty()) {
            throw new RequestException("input: missing or empty (expected: a string or an array of strings)",
                    "input");
        }
        ByteBuf out = alloc.heapBuffer(64 + 32 * inputs.size());
        Integer dims = dimensions;
        try (JsonGenerator g = JsonIo.FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeArrayFieldStart("requests");
            for (String text : inputs) {
                g.writeStartObject();
                g.writeStringField("model", "models/" + upstreamModel);
                g.writeObjectFieldStart("content");
                g.writeArrayFieldStart("parts");
                g.writeStartObject();
                g.writeStringField("text", text);
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
                if (dims != null) {
                    g.writeNumberField("outputDimensionality", dims);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            out.release();
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static void readInput(JsonParser p, JsonToken t, List<String> inputs) throws IOException,
            RequestException {
        if (t == JsonToken.VALUE_STRING) {
            inputs.add(p.getText());
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new RequestException("input: expected a string or an array of strings", "input");
        }
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw new RequestException("input: only strings can be embedded by a Gemini provider (token ids"
                        + " cannot)", "input");
            }
            inputs.add(p.getText());
        }
    }

    /** The sink an attempt on a Gemini provider writes to: Gemini's answer becomes OpenAI's for {@code out}. */
    public static ResponseSink answer(ResponseSink out, String model) {
        return new Answer(out, model);
    }

    /** Holds a 2xx answer whole, then writes OpenAI's list; anything else passes through. */
    private static final class Answer extends ForwardingSink {
        private final String model;
        private HttpResponse held;
        private CompositeByteBuf body;

        Answer(ResponseSink client, String model) {
            super(client);
            this.model = model;
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
            } else if (client.isDone()) {
                chunk.release();
                release();
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
            ByteBuf openAi;
            try {
                openAi = toOpenAi(body, model, client.alloc());
            } catch (IOException | RuntimeException e) {
                release();
                held = null;
                client.endWithError(HubError.of(502, "the provider's embeddings answer could not be read: "
                        + e.getMessage()).withCode("bad_upstream_response", null));
                return;
            }
            release();
            FullHttpResponse res = new DefaultFullHttpResponse(held.protocolVersion(), HttpResponseStatus.OK, openAi);
            res.headers().set(held.headers()).remove(HttpHeaderNames.TRANSFER_ENCODING)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, openAi.readableBytes());
            held = null;
            client.head(res);
            client.end(null);
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
        public void endWithError(HubError error) {
            release();
            client.endWithError(error);
        }

        @Override
        public boolean headSent() {
            return held != null || client.headSent();
        }

        private void release() {
            if (body != null) {
                body.release();
                body = null;
            }
        }
    }

    /** Gemini's {@code {"embeddings":[{"values":[…]}]}} as OpenAI's {@code {"object":"list","data":[…]}}. */
    static ByteBuf toOpenAi(ByteBuf gemini, String model, ByteBufAllocator alloc) throws IOException {
        ByteBuf out = alloc.heapBuffer(gemini.readableBytes() + 256);
        try (JsonParser p = JsonIo.parser(gemini);
             JsonGenerator g = JsonIo.FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            int n = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!name.equals("embeddings") || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    g.writeStartObject();
                    g.writeStringField("object", "embedding");
                    g.writeNumberField("index", n++);
                    boolean values = false;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        if (field.equals("values") && v == JsonToken.START_ARRAY) {
                            g.writeFieldName("embedding");
                            g.copyCurrentStructure(p);
                            values = true;
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (!values) {
                        throw new IOException("an embedding without values");
                    }
                    g.writeEndObject();
                }
            }
            if (n == 0) {
                throw new IOException("no embeddings");
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeEndObject();
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        }
        return out;
    }
}
