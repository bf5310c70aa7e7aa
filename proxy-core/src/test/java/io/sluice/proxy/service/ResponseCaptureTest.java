package io.sluice.proxy.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.hub.HubError;
import io.sluice.proxy.config.ResponseStoreConfig;
import io.sluice.proxy.state.EmbeddedResponseStore;
import io.sluice.proxy.state.StoredResponse;
import io.sluice.proxy.testing.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link ResponseCapture} keeps of the answers passing through it, fed 1 byte, 7 bytes and whole. */
class ResponseCaptureTest {

    static final String RESPONSE = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"%s\","
            + "\"instructions\":null,\"previous_response_id\":null,\"store\":false,\"model\":\"m\",\"output\":"
            + "[{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":"
            + "\"{}\",\"status\":\"completed\"}],\"usage\":null}";

    /** {@link #RESPONSE} with {@code status}. */
    static String response(String status) {
        return RESPONSE.replace("%s", status);
    }

    static final String STREAM = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
            + "\"response\":" + response("in_progress") + "}\n\n"
            + ": ping\n\n"
            + "event: response.output_text.delta\r\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"x\"}"
            + "\r\n\r\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":2,\n"
            + "data: \"response\":" + response("completed") + "}\n\n";

    private final EmbeddedResponseStore store = new EmbeddedResponseStore(ResponseStoreConfig.defaults(), null,
            System::currentTimeMillis);
    private final RecordingSink client = new RecordingSink();

    private ResponseCapture capture(int max) {
        return capture(max, client);
    }

    private ResponseCapture capture(int max, RecordingSink to) {
        return new ResponseCapture(to, store, new ResponseCapture.Request("alice",
                new ResponseCapture.StoredInput("[{\"role\":\"user\",\"content\":\"hi\"}]"
                        .getBytes(StandardCharsets.UTF_8), List.of()), "resp_0", "Be brief."), max,
                System::currentTimeMillis);
    }

    private static HttpResponse head(String type) {
        HttpResponse h = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        h.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return h;
    }

    /** Feeds {@code text} in pieces of {@code step} bytes; true once the store held the answer before the end. */
    private boolean feed(ResponseCapture sink, String text, int step) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        boolean before = false;
        for (int i = 0, n; i < bytes.length; i += n) {
            n = Math.min(step, bytes.length - i);
            ByteBuf chunk = Unpooled.directBuffer().writeBytes(bytes, i, n);
            sink.content(chunk);
            before |= store.get("alice", "resp_1") != null;
        }
        return before;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, Integer.MAX_VALUE})
    void aCompletedStreamIsStoredBeforeItsLastEventGoesOn(int step) {
        ResponseCapture sink = capture(1 << 20);
        sink.head(head("text/event-stream"));
        assertThat(feed(sink, STREAM, step)).isTrue();
        sink.end(null);

        StoredResponse r = store.get("alice", "resp_1");
        String json = new String(r.response(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"status\":\"completed\"", "\"store\":true", "\"previous_response_id\":\"resp_0\"",
                "\"instructions\":\"Be brief.\"");
        assertThat(r.itemIds()).containsExactly("fc_1");
        assertThat(store.owner("alice", "fc_1")).isNotNull();
        assertThat(client.body.toString()).isEqualTo(STREAM); // the client's bytes untouched
        assertThat(client.ended).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, Integer.MAX_VALUE})
    void aCutOrFailedStreamStoresNothing(int step) {
        ResponseCapture cut = capture(1 << 20);
        cut.head(head("text/event-stream"));
        String upToDone = STREAM.substring(0, STREAM.indexOf("event: response.completed"));
        feed(cut, upToDone + "event: response.completed\ndata: {\"type\":", step);
        cut.endWithError(HubError.of(502, "upstream went away"));
        assertThat(store.size()).isZero();

        ResponseCapture failed = capture(1 << 20, new RecordingSink());
        failed.head(head("text/event-stream"));
        feed(failed, upToDone + "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":"
                + response("failed") + "}\n\n", step);
        failed.end(null);
        assertThat(store.size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, Integer.MAX_VALUE})
    void aWholeBodyIsStoredAtItsEnd(int step) {
        ResponseCapture sink = capture(1 << 20);
        sink.head(head("application/json"));
        feed(sink, response("incomplete"), step);
        assertThat(store.size()).isZero();
        sink.end(null);
        assertThat(store.get("alice", "resp_1")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"error", "big", "notAResponse"})
    void errorsOversizeAndOtherBodiesAreNotStored(String kind) {
        ResponseCapture sink = capture(kind.equals("big") ? 64 : 1 << 20);
        String body = kind.equals("notAResponse") ? "{\"object\":\"list\",\"id\":\"resp_1\"}"
                : response("completed");
        HttpResponseStatus status = kind.equals("error") ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.OK;
        DefaultFullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        full.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        sink.head(full);
        sink.end(null);
        assertThat(store.size()).isZero();
    }
}
