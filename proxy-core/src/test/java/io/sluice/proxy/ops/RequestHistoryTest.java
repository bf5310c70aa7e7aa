package io.sluice.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ring behind /v1/history: the last 200, newest first, safe to read while loops write. */
class RequestHistoryTest {

    private static RequestTrace trace(long id) {
        return new RequestTrace(id, 0, 1_000 + id, "/v1/chat/completions", "m" + id, false, null, "p", "u", 10);
    }

    @Test
    void keepsTheLastTwoHundredNewestFirst() {
        RequestHistory h = new RequestHistory();
        assertThat(h.newest(10)).isEmpty();
        for (long i = 0; i < 250; i++) {
            h.add(trace(i), 200, 1_000_000, 1, 2, false);
        }
        List<RequestHistory.Entry> all = h.newest(1000);
        assertThat(all).hasSize(RequestHistory.CAPACITY);
        assertThat(all.get(0).model()).isEqualTo("m249");
        assertThat(all.get(199).model()).isEqualTo("m50");
        assertThat(h.newest(3)).extracting(RequestHistory.Entry::model).containsExactly("m249", "m248", "m247");
        assertThat(h.total()).isEqualTo(250);
        assertThat(all.get(0).latencyMs()).isEqualTo(1);
    }

    @Test
    void concurrentWritersAndAReader() throws InterruptedException {
        RequestHistory h = new RequestHistory();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Thread t = new Thread(() -> {
                for (long i = 0; i < 5_000; i++) {
                    h.add(trace(i), 200, 0, 0, 0, false);
                }
            });
            writers.add(t);
            t.start();
        }
        while (writers.stream().anyMatch(Thread::isAlive)) {
            List<RequestHistory.Entry> snap = h.newest(RequestHistory.CAPACITY);
            for (int i = 1; i < snap.size(); i++) {
                assertThat(snap.get(i).seq()).isLessThan(snap.get(i - 1).seq());
            }
        }
        for (Thread t : writers) {
            t.join();
        }
        assertThat(h.total()).isEqualTo(20_000);
    }
}
