package io.flowmesh.api.source;

import io.flowmesh.api.functions.RuntimeContext;

/**
 * The numbers {@code from..to} (inclusive), split over the subtasks so that subtask {@code s} of
 * {@code p} reads exactly the numbers {@code n} with {@code (n - from) % p == s}, in increasing order
 * — the generator of the benchmark workloads.
 */
public final class NumberSequenceSource implements Source<Long> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 256;

    private final long from;
    private final long to;

    public NumberSequenceSource(long from, long to) {
        if (to < from) {
            throw new IllegalArgumentException("fromSequence: 'to' (" + to + ") is smaller than 'from' (" + from + ")");
        }
        this.from = from;
        this.to = to;
    }

    @Override
    public SourceReader<Long> createReader(RuntimeContext context) {
        return reader(context, from + context.subtaskIndex());
    }

    /** Resumes at the checkpointed number of this subtask (only at the same parallelism). */
    @Override
    public SourceReader<Long> restoreReader(RuntimeContext context, java.util.List<Object> restoredState) {
        return reader(context, StridePosition.resume(restoredState, context, "NumberSequenceSource"));
    }

    private SourceReader<Long> reader(RuntimeContext context, long first) {
        int step = context.parallelism();
        return new SourceReader<>() {
            private long next = first;

            @Override
            public java.util.List<Object> snapshotState(long checkpointId) {
                return java.util.List.of(new StridePosition(context.subtaskIndex(), step, next));
            }

            @Override
            public InputStatus pollNext(ReaderOutput<Long> output) {
                for (int i = 0; i < BATCH && next <= to; i++, next += step) {
                    output.collect(next);
                }
                return next <= to ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
            }
        };
    }
}
