package io.sluice.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Bytes processed, reported by JMH next to the score as a rate ({@code :bytes}, bytes/s). */
@AuxCounters(AuxCounters.Type.OPERATIONS)
@State(Scope.Thread)
public class ByteCounter {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
    }
}
