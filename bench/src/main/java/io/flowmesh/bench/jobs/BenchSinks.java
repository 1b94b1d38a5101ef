package io.flowmesh.bench.jobs;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.sink.Sink;
import io.flowmesh.api.sink.SinkWriter;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.bench.results.Checksum;
import io.flowmesh.bench.results.Generator;
import io.flowmesh.bench.results.LatencyHistogram;
import io.flowmesh.bench.results.Summary;
import java.time.Instant;

/**
 * The sinks of the benchmark jobs. Each sink subtask folds every record into a few {@code long}
 * fields (no allocation per record) and, at the end of its input ({@code flush(true)}), hands one
 * {@link Summary} to the {@link SummaryPublisher}. Field names are those of {@code BENCHMARKS.md}.
 */
public final class BenchSinks {

    private BenchSinks() {
    }

    /** Base of the sinks: the run id and the publisher. */
    abstract static class SummarySink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        final String runId;
        final SummaryPublisher publisher;

        SummarySink(String runId, SummaryPublisher publisher) {
            this.runId = runId;
            this.publisher = publisher;
        }
    }

    /** Base of the writers: publishes {@link #summary} once, at the end of the input. */
    abstract static class SummaryWriter<T> implements SinkWriter<T> {
        final RuntimeContext context;
        final SummarySink<T> sink;
        private boolean published;

        SummaryWriter(RuntimeContext context, SummarySink<T> sink) {
            this.context = context;
            this.sink = sink;
        }

        abstract void summarize(Summary.Builder summary);

        @Override
        public void flush(boolean endOfInput) throws Exception {
            if (endOfInput && !published) {
                published = true;
                Summary.Builder b = Summary.builder(context.subtaskIndex(), context.parallelism());
                summarize(b);
                sink.publisher.publish(context, sink.runId, b.build());
            }
        }
    }

    /** W1: {@code count} and {@code sum} of the values of (key, value) records. */
    public static final class W1Sink extends SummarySink<Tuple2<Long, Long>> {
        private static final long serialVersionUID = 1L;

        public W1Sink(String runId, SummaryPublisher publisher) {
            super(runId, publisher);
        }

        @Override
        public SinkWriter<Tuple2<Long, Long>> createWriter(RuntimeContext context) {
            return new SummaryWriter<>(context, this) {
                private long count;
                private long sum;

                @Override
                public void write(Tuple2<Long, Long> record) {
                    count++;
                    sum += record.f1;
                }

                @Override
                void summarize(Summary.Builder summary) {
                    summary.put("count", count).put("sum", sum);
                }
            };
        }
    }

    /** W2: {@code window_results}, {@code sum_of_sums} and {@code checksum} (mod 2^61 − 1) of the window results. */
    public static final class W2Sink extends SummarySink<WindowResult> {
        private static final long serialVersionUID = 1L;

        public W2Sink(String runId, SummaryPublisher publisher) {
            super(runId, publisher);
        }

        @Override
        public SinkWriter<WindowResult> createWriter(RuntimeContext context) {
            return new SummaryWriter<>(context, this) {
                private long results;
                private long sumOfSums;
                private long checksum;

                @Override
                public void write(WindowResult r) {
                    results++;
                    sumOfSums += r.sum();
                    checksum = Checksum.add(checksum, Checksum.term(r.key(), r.windowEnd(), r.sum()));
                }

                @Override
                void summarize(Summary.Builder summary) {
                    summary.put("window_results", results).put("sum_of_sums", sumOfSums).put("checksum", checksum);
                }
            };
        }
    }

    /**
     * W3: {@code outputs} (records seen) and, over the keys this subtask saw, the sum of each key's
     * largest running sum ({@code final_sum}) and their number ({@code keys}). A key is always on
     * one subtask, so the subtasks' values add up.
     */
    public static final class W3Sink extends SummarySink<Tuple2<Long, Long>> {
        private static final long serialVersionUID = 1L;

        public W3Sink(String runId, SummaryPublisher publisher) {
            super(runId, publisher);
        }

        @Override
        public SinkWriter<Tuple2<Long, Long>> createWriter(RuntimeContext context) {
            return new SummaryWriter<>(context, this) {
                private final long[] max = new long[Generator.KEYS];
                private final boolean[] seen = new boolean[Generator.KEYS];
                private long outputs;

                @Override
                public void write(Tuple2<Long, Long> record) {
                    outputs++;
                    int key = (int) (long) record.f0;
                    long runningSum = record.f1;
                    seen[key] = true;
                    if (runningSum > max[key]) {
                        max[key] = runningSum;
                    }
                }

                @Override
                void summarize(Summary.Builder summary) {
                    long finalSum = 0;
                    long keys = 0;
                    for (int k = 0; k < Generator.KEYS; k++) {
                        finalSum += max[k];
                        keys += seen[k] ? 1 : 0;
                    }
                    summary.put("outputs", outputs).put("final_sum", finalSum).put("keys", keys);
                }
            };
        }
    }

    /**
     * Latency: (key, creation time in epoch µs) records. Latency = now − creation, both from
     * {@link Instant#now()} (same machine). Records created in the first {@code warmupMicros} after
     * the first one this subtask saw are counted but not measured.
     */
    public static final class LatencySink extends SummarySink<Tuple2<Long, Long>> {
        private static final long serialVersionUID = 1L;
        private final long warmupMicros;

        public LatencySink(String runId, SummaryPublisher publisher, long warmupMicros) {
            super(runId, publisher);
            this.warmupMicros = warmupMicros;
        }

        @Override
        public SinkWriter<Tuple2<Long, Long>> createWriter(RuntimeContext context) {
            return new SummaryWriter<>(context, this) {
                private final LatencyHistogram histogram = new LatencyHistogram();
                private long records;
                private long firstCreated = Long.MIN_VALUE;
                private long measuredFrom;
                private long firstMeasured = Long.MAX_VALUE;
                private long lastMeasured = Long.MIN_VALUE;

                @Override
                public void write(Tuple2<Long, Long> record) {
                    long now = epochMicros();
                    long created = record.f1;
                    records++;
                    if (firstCreated == Long.MIN_VALUE) {
                        firstCreated = created;
                        measuredFrom = created + warmupMicros;
                    }
                    if (warmupMicros == 0 || created >= measuredFrom) {
                        histogram.record(now - created);
                        firstMeasured = Math.min(firstMeasured, created);
                        lastMeasured = Math.max(lastMeasured, created);
                    }
                }

                @Override
                void summarize(Summary.Builder summary) {
                    summary.put("records", records).put("measured", histogram.count())
                            .put("first_created_us", firstMeasured == Long.MAX_VALUE ? 0 : firstMeasured)
                            .put("last_created_us", lastMeasured == Long.MIN_VALUE ? 0 : lastMeasured)
                            .put("histogram_us", histogram.encode());
                }
            };
        }
    }

    /** Microseconds since the epoch, from {@link Instant#now()}. */
    public static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
