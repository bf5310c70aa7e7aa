package io.sluice.proxy.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AnswerCache}'s three bounds, replacement, and references that outlive an eviction. */
class AnswerCacheTest {

    private final AtomicLong inFlight = new AtomicLong();
    private final List<ByteBuf> bodies = new ArrayList<>();
    private AnswerCache cache;

    @AfterEach
    void releasedEverything() {
        cache.clear();
        assertThat(cache.entries()).isZero();
        assertThat(cache.bytes()).isZero();
        assertThat(bodies).allSatisfy(b -> assertThat(b.refCnt()).as("released").isZero());
    }

    private static Signature sig(int n) {
        return new Signature(n, -n);
    }

    private CachedAnswer answer(int n, int bytes, long expiresAt) {
        ByteBuf body = ByteBufAllocator.DEFAULT.directBuffer(bytes).writeBytes(new byte[bytes]);
        bodies.add(body);
        return new CachedAnswer(sig(n), new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK), false,
                body, expiresAt);
    }

    private boolean has(int n, long now) {
        CachedAnswer a = cache.get(sig(n), now);
        if (a == null) {
            return false;
        }
        a.release();
        return true;
    }

    @Test
    void theEntryCapEvictsTheOldestFirst() {
        cache = new AnswerCache(2, 1 << 20, inFlight::get);
        cache.put(answer(1, 10, 1000), 0);
        cache.put(answer(2, 10, 1000), 0);
        cache.put(answer(3, 10, 1000), 0);
        assertThat(has(1, 0)).isFalse();
        assertThat(has(2, 0)).isTrue();
        assertThat(has(3, 0)).isTrue();
        assertThat(cache.entries()).isEqualTo(2);
        assertThat(cache.bytes()).isEqualTo(20);
        assertThat(bodies.get(0).refCnt()).as("the evicted answer's bytes are freed").isZero();
    }

    @Test
    void theByteCapCountsWhatIsInFlightToo() {
        cache = new AnswerCache(100, 100, inFlight::get);
        cache.put(answer(1, 40, 1000), 0);
        cache.put(answer(2, 40, 1000), 0);
        cache.put(answer(3, 40, 1000), 0);
        assertThat(has(1, 0)).isFalse();
        assertThat(cache.bytes()).isEqualTo(80);
        inFlight.set(30);
        assertThat(cache.makeRoom(10, 0)).as("evicts the oldest to make room").isTrue();
        assertThat(has(2, 0)).isFalse();
        assertThat(has(3, 0)).isTrue();
        inFlight.set(95);
        assertThat(cache.makeRoom(10, 0)).as("nothing left to evict").isFalse();
        assertThat(cache.entries()).isZero();
        inFlight.set(0);
    }

    @Test
    void answersExpireWithTheWindow() {
        cache = new AnswerCache(100, 1 << 20, inFlight::get);
        cache.put(answer(1, 10, 1000), 0);
        cache.put(answer(2, 10, 2000), 500);
        assertThat(has(1, 999)).isTrue();
        assertThat(has(1, 1000)).as("expired: a miss even before a sweep").isFalse();
        cache.sweep(1000);
        assertThat(cache.entries()).isEqualTo(1);
        assertThat(bodies.get(0).refCnt()).isZero();
        assertThat(has(2, 1999)).isTrue();
        cache.sweep(2000);
        assertThat(cache.entries()).isZero();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void aNewAnswerReplacesTheOldOne() {
        cache = new AnswerCache(2, 1 << 20, inFlight::get);
        cache.put(answer(1, 10, 1000), 0);
        cache.put(answer(1, 30, 1000), 0);
        assertThat(cache.entries()).isEqualTo(1);
        assertThat(cache.bytes()).isEqualTo(30);
        assertThat(bodies.get(0).refCnt()).isZero();
        cache.put(answer(2, 10, 1000), 0);
        cache.put(answer(3, 10, 1000), 0);
        assertThat(has(1, 0)).isFalse();
        assertThat(cache.entries()).isEqualTo(2);
    }

    @Test
    void aReaderKeepsTheBytesAliveThroughAnEviction() {
        cache = new AnswerCache(1, 1 << 20, inFlight::get);
        CachedAnswer a = answer(1, 5, 1000);
        bodies.get(0).setCharSequence(0, "hello", StandardCharsets.US_ASCII);
        cache.put(a, 0);
        CachedAnswer held = cache.get(sig(1), 0);
        assertThat(held).isSameAs(a);
        cache.put(answer(2, 5, 1000), 0); // evicts the held one
        assertThat(cache.get(sig(1), 0)).isNull();
        assertThat(bodies.get(0).refCnt()).as("still held by the reader").isEqualTo(1);
        assertThat(bodies.get(0).toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        held.release();
        assertThat(bodies.get(0).refCnt()).isZero();
        assertThat(held.tryRetain()).as("gone for good").isFalse();
    }
}
