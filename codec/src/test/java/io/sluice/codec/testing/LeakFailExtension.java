package io.sluice.codec.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test whose buffers leaked. Auto-registered for every test through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}; surefire runs with
 * {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 *
 * <p>Netty only reports a leak after the leaked buffer was collected and a later allocation polled the
 * reference queue, so after each test we collect garbage and allocate a few buffers before checking.
 */
public final class LeakFailExtension implements BeforeAllCallback, AfterEachCallback {

    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("LEAK: " + leaks.size() + " buffer leak(s) detected in "
                    + context.getDisplayName() + ":\n" + String.join("\n---\n", leaks));
        }
    }

    /** Forces leak detection to run and returns (and clears) every leak reported so far. */
    public static List<String> collectLeaks() {
        install();
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            // Allocation polls the detector's reference queue, which is what reports a leak.
            for (int j = 0; j < 16; j++) {
                ByteBuf b = ByteBufAllocator.DEFAULT.buffer(8);
                b.release();
                ByteBuf h = io.netty.buffer.Unpooled.buffer(8);
                h.release();
            }
        }
        List<String> out = new ArrayList<>();
        String s;
        while ((s = LEAKS.poll()) != null) {
            out.add(s);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static synchronized void install() {
        if (installed) {
            return;
        }
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        try {
            Class<?> c = Class.forName("io.netty.buffer.AbstractByteBuf");
            Field f = c.getDeclaredField("leakDetector");
            f.setAccessible(true);
            ResourceLeakDetector<ByteBuf> detector = (ResourceLeakDetector<ByteBuf>) f.get(null);
            detector.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + records));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot hook Netty's leak detector", e);
        }
        installed = true;
    }
}
