package io.sluice.proxy.testing;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Waiting for a condition instead of sleeping for a guess: poll it until it holds or a deadline passes, then fail
 * naming what was awaited and the last value seen. This is the only place where test code pauses a thread; a test
 * that needs time to pass for code taking a clock ({@code LongSupplier}) drives that clock instead.
 */
public final class Await {

    /** How long a wait lasts unless the caller says otherwise. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The first pause between two polls; it doubles up to {@link #MAX_PAUSE}, so quick conditions are seen quickly. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(1);
    /** The longest pause between two polls: what a wait may overshoot by, and cheap for an HTTP or DevTools poll. */
    static final Duration MAX_PAUSE = Duration.ofMillis(10);

    /** A condition to poll; an exception counts as "not yet" and is reported if the wait times out. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A value to poll; an exception counts as "not yet" and is reported if the wait times out. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #TIMEOUT}. */
    public static void until(String what, Condition condition) throws InterruptedException {
        until(what, TIMEOUT, condition);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Condition condition) throws InterruptedException {
        value(what, timeout, condition::holds, Boolean::booleanValue);
    }

    /**
     * Polls {@code probe} until {@code done} accepts its value, and returns that value; fails naming {@code what} and
     * the last value (or exception) seen after {@code timeout}.
     */
    public static <T> T value(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done)
            throws InterruptedException {
        long start = System.nanoTime();
        long pause = FIRST_PAUSE.toNanos();
        Object last = "nothing (never polled)";
        Exception failure = null;
        while (true) {
            try {
                T v = probe.get();
                if (done.test(v)) {
                    return v;
                }
                last = v;
                failure = null;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
                failure = e;
            }
            long left = timeout.toNanos() - (System.nanoTime() - start);
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + " (last seen: " + last + ")", failure);
            }
            pause(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_PAUSE.toNanos());
        }
    }

    /**
     * Waits until {@code progress} has not moved for {@code quiet}, and returns where it stopped; fails naming
     * {@code what} when it is still moving after {@code timeout}.
     *
     * <p>Time-based by nature, so use it only when nothing can say "stopped" directly: that something will not move
     * again can only be observed as it not moving for a while. Pick {@code quiet} well above the time one step of
     * progress takes when it is possible at all, or a pause is mistaken for a stop.
     */
    public static long steady(String what, Duration quiet, Duration timeout, LongSupplier progress)
            throws InterruptedException {
        long start = System.nanoTime();
        long last = progress.getAsLong();
        long since = start;
        while (true) {
            long now = System.nanoTime();
            if (now - since >= quiet.toNanos()) {
                return last;
            }
            if (now - start > timeout.toNanos()) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + " (still moving, at " + last + ")");
            }
            pause(Math.min(MAX_PAUSE.toNanos(), quiet.toNanos() / 10 + 1));
            long v = progress.getAsLong();
            if (v != last) {
                last = v;
                since = System.nanoTime();
            }
        }
    }

    private static void pause(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)); // the one sleep in the tests: between two polls
    }
}
