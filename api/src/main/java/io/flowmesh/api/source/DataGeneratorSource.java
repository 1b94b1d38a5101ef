package io.flowmesh.api.source;

import io.flowmesh.api.functions.RuntimeContext;

/**
 * Generates records {@code 0..count-1} (or forever, with {@code Long.MAX_VALUE}) with a function of
 * the index, optionally at a fixed total rate, as Flink's {@code DataGeneratorSource}. Subtask
 * {@code s} of {@code p} generates the indexes {@code ≡ s (mod p)} in increasing order, at
 * {@code rate / p} records per second.
 */
public final class DataGeneratorSource<T> implements Source<T> {
    private static final long serialVersionUID = 1L;
    private final GeneratorFunction<T> generator;
    private final long count;
    private final double recordsPerSecond;

    /** @param recordsPerSecond total over all subtasks; 0 or less = as fast as possible */
    public DataGeneratorSource(GeneratorFunction<T> generator, long count, double recordsPerSecond) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        this.generator = generator;
        this.count = count;
        this.recordsPerSecond = recordsPerSecond;
    }

    public DataGeneratorSource(GeneratorFunction<T> generator, long count) {
        this(generator, count, 0);
    }

    @Override
    public boolean isBounded() {
        return count != Long.MAX_VALUE;
    }

    @Override
    public SourceReader<T> createReader(RuntimeContext context) {
        return reader(context, context.subtaskIndex());
    }

    /** Resumes at the checkpointed index of this subtask (only at the same parallelism). */
    @Override
    public SourceReader<T> restoreReader(RuntimeContext context, java.util.List<Object> restoredState) {
        return reader(context, StridePosition.resume(restoredState, context, "DataGeneratorSource"));
    }

    private SourceReader<T> reader(RuntimeContext context, long first) {
        int p = context.parallelism();
        double ratePerNano = recordsPerSecond > 0 ? recordsPerSecond / p / 1e9 : 0;
        return new SourceReader<>() {
            private long next = first;

            @Override
            public java.util.List<Object> snapshotState(long checkpointId) {
                return java.util.List.of(new StridePosition(context.subtaskIndex(), p, next));
            }
            private long emitted;
            private long startNanos = -1;

            @Override
            public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
                int batch = 256;
                if (ratePerNano > 0) {
                    long now = System.nanoTime();
                    if (startNanos < 0) {
                        startNanos = now;
                    }
                    long allowed = (long) ((now - startNanos) * ratePerNano) + 1 - emitted;
                    if (allowed <= 0) {
                        return InputStatus.NOTHING_AVAILABLE;
                    }
                    batch = (int) Math.min(batch, allowed);
                }
                for (int i = 0; i < batch && next < count; i++, next += p) {
                    output.collect(generator.map(next));
                    emitted++;
                }
                return next < count ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
            }
        };
    }
}
