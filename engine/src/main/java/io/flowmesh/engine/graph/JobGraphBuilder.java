package io.flowmesh.engine.graph;

import com.google.protobuf.ByteString;
import io.flowmesh.api.dag.OneInputTransformation;
import io.flowmesh.api.dag.OperatorKind;
import io.flowmesh.api.dag.PartitionTransformation;
import io.flowmesh.api.dag.PartitionerKind;
import io.flowmesh.api.dag.Pipeline;
import io.flowmesh.api.dag.SideOutputTransformation;
import io.flowmesh.api.dag.TwoInputTransformation;
import io.flowmesh.api.dag.UnionTransformation;
import io.flowmesh.api.dag.SinkTransformation;
import io.flowmesh.api.dag.SourceTransformation;
import io.flowmesh.api.dag.Transformation;
import io.flowmesh.api.functions.Function;
import io.flowmesh.engine.serialization.JavaSerialization;
import io.flowmesh.proto.JobEdge;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.PartitionerType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates a {@link Pipeline} into a {@link JobGraph}, as Flink's StreamGraph → JobGraph step does.
 *
 * <ul>
 *   <li>Partition transformations become edges with their partitioner; an operator without one reads
 *       its input FORWARD when the parallelism is equal, else REBALANCE.
 *   <li>An operator is chained to its input (same thread, objects passed by call) when it has a
 *       single input that reaches it FORWARD with equal parallelism through the main output (not a
 *       side output, not an explicit forward()), and that input feeds nothing else. So edges only
 *       ever leave the tail of a chain. Unions become several edges into one vertex.
 *   <li>Operator ids: the SHA-256 of {@code uid()} when set; otherwise of the operator's position
 *       (its index among the pipeline's operators and its inputs' ids), so ids survive renames.
 *   <li>Every user function is serialized here, so a function that is not serializable fails the
 *       submission with the operator's name.
 * </ul>
 */
public final class JobGraphBuilder {

    private JobGraphBuilder() {}

    /** A physical input of an operator: the upstream operator, how records get from it, and which of its outputs. */
    private record Input(Transformation<?> upstream, PartitionerKind partitioner, io.flowmesh.api.functions.KeySelector<?, ?> keySelector,
            String sideOutputTag, boolean explicitForward, int targetInput) {}

    public static JobGraph build(String jobId, Pipeline pipeline, String artifactUri, String entryClass) throws InvalidJobGraphException {
        // 1. every operator reachable from the sinks, in creation (= topological) order
        TreeMap<Integer, Transformation<?>> all = new TreeMap<>();
        ArrayDeque<Transformation<?>> todo = new ArrayDeque<>(pipeline.sinks());
        while (!todo.isEmpty()) {
            Transformation<?> t = todo.pop();
            if (all.putIfAbsent(t.id(), t) == null) {
                todo.addAll(t.inputs());
            }
        }
        List<Transformation<?>> operators = all.values().stream().filter(JobGraphBuilder::isOperator).toList();

        // 2. resolve parallelism and physical inputs
        Map<Transformation<?>, Integer> parallelism = new HashMap<>();
        Map<Transformation<?>, Integer> maxParallelism = new HashMap<>();
        Map<Transformation<?>, List<Input>> inputsOf = new HashMap<>();
        Map<Transformation<?>, List<Transformation<?>>> consumers = new HashMap<>();
        for (Transformation<?> t : operators) {
            int p = t.parallelism() > 0 ? t.parallelism() : pipeline.defaultParallelism();
            int maxP = t.maxParallelism() > 0 ? t.maxParallelism() : Math.max(pipeline.defaultMaxParallelism(), 1);
            if (p > maxP) {
                throw new InvalidJobGraphException("operator '" + t.name() + "': parallelism " + p + " is larger than its max parallelism " + maxP);
            }
            parallelism.put(t, p);
            maxParallelism.put(t, maxP);
            List<Input> ins = new ArrayList<>();
            for (int i = 0; i < t.inputs().size(); i++) {
                collectInputs(t.inputs().get(i), null, null, null, false, t instanceof TwoInputTransformation ? i + 1 : 0, ins);
            }
            inputsOf.put(t, ins);
            for (Input in : ins) {
                consumers.computeIfAbsent(in.upstream(), k -> new ArrayList<>()).add(t);
            }
        }
        for (Transformation<?> t : operators) {
            for (Input in : inputsOf.get(t)) {
                if (in.explicitForward() && !parallelism.get(in.upstream()).equals(parallelism.get(t))) {
                    throw new InvalidJobGraphException("operator '" + t.name() + "': forward partitioning does not allow a change of parallelism ("
                            + parallelism.get(in.upstream()) + " -> " + parallelism.get(t) + "); use rebalance()");
                }
                if (t instanceof OneInputTransformation<?, ?> one && one.kind().isKeyed() && in.partitioner() != PartitionerKind.HASH) {
                    throw new InvalidJobGraphException("operator '" + one.name() + "' keeps keyed state and needs a keyed input: call keyBy(...) before it");
                }
                if (t instanceof TwoInputTransformation<?, ?, ?> two && two.kind().isKeyed() && in.partitioner() != PartitionerKind.HASH) {
                    throw new InvalidJobGraphException("operator '" + two.name() + "' keeps keyed state and needs both inputs keyed: connect(...).keyBy(key1, key2)");
                }
            }
        }

        // 3. operator ids
        Map<Transformation<?>, String> operatorIds = new HashMap<>();
        Map<String, Transformation<?>> byUid = new HashMap<>();
        int position = 0;
        for (Transformation<?> t : operators) {
            String id;
            if (t.uid() != null) {
                Transformation<?> other = byUid.put(t.uid(), t);
                if (other != null) {
                    throw new InvalidJobGraphException("two operators have the same uid '" + t.uid() + "': '" + other.name() + "' and '" + t.name() + "'");
                }
                id = hash("uid:" + t.uid());
            } else {
                StringBuilder upstream = new StringBuilder();
                for (Input in : inputsOf.get(t)) {
                    upstream.append(operatorIds.get(in.upstream())).append(in.sideOutputTag() == null ? "" : "/" + in.sideOutputTag()).append(',');
                }
                id = hash("position:" + position + ":" + upstream);
            }
            operatorIds.put(t, id);
            position++;
        }

        // 4. chains
        Map<Transformation<?>, Transformation<?>> headOf = new LinkedHashMap<>();
        Map<Transformation<?>, List<Transformation<?>>> chains = new LinkedHashMap<>();
        for (Transformation<?> t : operators) {
            List<Input> ins = inputsOf.get(t);
            Input in = ins.size() == 1 ? ins.get(0) : null;
            boolean chained = in != null
                    && in.partitioner() == PartitionerKind.FORWARD
                    && in.sideOutputTag() == null
                    && !in.explicitForward()
                    && parallelism.get(in.upstream()).equals(parallelism.get(t))
                    && maxParallelism.get(in.upstream()).equals(maxParallelism.get(t))
                    && consumers.get(in.upstream()).size() == 1;
            Transformation<?> head = chained ? headOf.get(in.upstream()) : t;
            headOf.put(t, head);
            chains.computeIfAbsent(head, k -> new ArrayList<>()).add(t);
        }

        // 5. vertices and edges
        JobGraph.Builder graph = JobGraph.newBuilder()
                .setJobId(jobId)
                .setJobName(pipeline.jobName())
                .putAllConfiguration(pipeline.configuration())
                .setArtifactUri(artifactUri == null ? "" : artifactUri)
                .setEntryClass(entryClass == null ? "" : entryClass);
        List<Transformation<?>> heads = new ArrayList<>(chains.keySet());
        heads.sort(Comparator.comparingInt(Transformation::id));
        for (Transformation<?> head : heads) {
            List<Transformation<?>> chain = chains.get(head);
            List<OperatorSpec> specs = new ArrayList<>();
            for (Transformation<?> t : chain) {
                specs.add(spec(t, operatorIds.get(t)));
            }
            byte[] chainBytes;
            try {
                chainBytes = JavaSerialization.serialize(new ChainSpec(specs));
            } catch (IOException e) {
                throw new InvalidJobGraphException("cannot serialize operator chain '" + vertexName(chain) + "': " + e, e);
            }
            graph.addVertices(JobVertex.newBuilder()
                    .setVertexId(operatorIds.get(head))
                    .setName(vertexName(chain))
                    .setParallelism(parallelism.get(head))
                    .setMaxParallelism(maxParallelism.get(head))
                    .setOperatorChain(ByteString.copyFrom(chainBytes))
                    .addAllOperatorIds(chain.stream().map(operatorIds::get).toList())
                    .addAllOperatorNames(chain.stream().map(t -> t.name() == null ? "" : t.name()).toList())
                    .addAllOperatorUids(chain.stream().map(t -> t.uid() == null ? "" : t.uid()).toList())
                    .setIsSource(head instanceof SourceTransformation));
            for (Input in : inputsOf.get(head)) {
                JobEdge.Builder edge = JobEdge.newBuilder()
                        .setSourceVertexId(operatorIds.get(headOf.get(in.upstream())))
                        .setTargetVertexId(operatorIds.get(head))
                        .setPartitioner(partitionerType(in, parallelism.get(in.upstream()), parallelism.get(head)))
                        .setSideOutputTag(in.sideOutputTag() == null ? "" : in.sideOutputTag())
                        .setTargetInput(in.targetInput());
                if (in.keySelector() != null) {
                    edge.setKeySelector(ByteString.copyFrom(serializeFunction(in.keySelector(), "key selector of '" + head.name() + "'")));
                }
                graph.addEdges(edge);
            }
        }
        if (!pipeline.typeSerializers().isEmpty()) {
            try {
                graph.setTypeSerializers(ByteString.copyFrom(JavaSerialization.serialize(new HashMap<>(pipeline.typeSerializers()))));
            } catch (IOException e) {
                throw new InvalidJobGraphException("a registered type serializer is not serializable: " + e.getMessage(), e);
            }
        }
        return graph.build();
    }

    private static boolean isOperator(Transformation<?> t) {
        return !(t instanceof PartitionTransformation || t instanceof UnionTransformation || t instanceof SideOutputTransformation);
    }

    /** Walks through virtual transformations (partitioning, union, side outputs) to the operators they read from. */
    private static void collectInputs(Transformation<?> t, PartitionerKind partitioner, io.flowmesh.api.functions.KeySelector<?, ?> keySelector,
            String tag, boolean explicitForward, int targetInput, List<Input> out) {
        if (t instanceof PartitionTransformation<?> p) {
            if (partitioner == null) {
                partitioner = p.partitioner();
                keySelector = p.keySelector();
                explicitForward = p.partitioner() == PartitionerKind.FORWARD;
            }
            collectInputs(p.input(), partitioner, keySelector, tag, explicitForward, targetInput, out);
        } else if (t instanceof UnionTransformation<?> u) {
            for (Transformation<?> in : u.inputs()) {
                collectInputs(in, partitioner, keySelector, tag, explicitForward, targetInput, out);
            }
        } else if (t instanceof SideOutputTransformation<?> s) {
            collectInputs(s.inputs().get(0), partitioner, keySelector, s.tag().getId(), explicitForward, targetInput, out);
        } else {
            out.add(new Input(t, partitioner == null ? PartitionerKind.FORWARD : partitioner, keySelector, tag, explicitForward, targetInput));
        }
    }

    private static PartitionerType partitionerType(Input in, int upstreamParallelism, int parallelism) {
        return switch (in.partitioner()) {
            case FORWARD -> upstreamParallelism == parallelism ? PartitionerType.FORWARD : PartitionerType.REBALANCE;
            case HASH -> PartitionerType.HASH;
            case REBALANCE -> PartitionerType.REBALANCE;
            case BROADCAST -> PartitionerType.BROADCAST;
        };
    }

    private static OperatorSpec spec(Transformation<?> t, String operatorId) throws InvalidJobGraphException {
        OperatorSpec spec;
        if (t instanceof SourceTransformation<?> s) {
            spec = new OperatorSpec(operatorId, t.name(), OperatorSpec.Kind.SOURCE, s.source(), null, null, s.watermarkStrategy());
        } else if (t instanceof SinkTransformation<?> s) {
            spec = new OperatorSpec(operatorId, t.name(), OperatorSpec.Kind.SINK, s.sink(), null, null, null);
        } else if (t instanceof OneInputTransformation<?, ?> o) {
            spec = new OperatorSpec(operatorId, t.name(), kind(o.kind()), o.function(), o.stateKeySelector(), null, null);
        } else if (t instanceof TwoInputTransformation<?, ?, ?> two) {
            spec = new OperatorSpec(operatorId, t.name(), OperatorSpec.Kind.valueOf(two.kind().name()), two.function(), two.keySelector1(),
                    two.keySelector2(), null);
        } else {
            throw new IllegalStateException("unexpected transformation " + t);
        }
        serializeFunction(spec.function(), "function of operator '" + t.name() + "'");
        if (spec.watermarkStrategy() != null) {
            try {
                JavaSerialization.serialize(spec.watermarkStrategy());
            } catch (IOException e) {
                throw new InvalidJobGraphException("the watermark strategy of '" + t.name() + "' is not serializable: " + e.getMessage(), e);
            }
        }
        if (spec.stateKeySelector() != null) {
            serializeFunction(spec.stateKeySelector(), "key selector of operator '" + t.name() + "'");
        }
        if (spec.stateKeySelector2() != null) {
            serializeFunction(spec.stateKeySelector2(), "second key selector of operator '" + t.name() + "'");
        }
        return spec;
    }

    private static OperatorSpec.Kind kind(OperatorKind kind) {
        return switch (kind) {
            case MAP -> OperatorSpec.Kind.MAP;
            case FILTER -> OperatorSpec.Kind.FILTER;
            case FLAT_MAP -> OperatorSpec.Kind.FLAT_MAP;
            case KEYED_REDUCE -> OperatorSpec.Kind.KEYED_REDUCE;
            case PROCESS -> OperatorSpec.Kind.PROCESS;
            case KEYED_PROCESS -> OperatorSpec.Kind.KEYED_PROCESS;
            case WINDOW -> OperatorSpec.Kind.WINDOW;
            case TIMESTAMPS_AND_WATERMARKS -> OperatorSpec.Kind.TIMESTAMPS_AND_WATERMARKS;
        };
    }

    private static byte[] serializeFunction(Function f, String what) throws InvalidJobGraphException {
        try {
            return JavaSerialization.serialize(f);
        } catch (IOException e) {
            throw new InvalidJobGraphException("the " + what + " is not serializable: " + e.getMessage()
                    + " (functions travel to the TaskManagers; make them and everything they capture Serializable)", e);
        }
    }

    private static String vertexName(List<Transformation<?>> chain) {
        return String.join(" -> ", chain.stream().map(Transformation::name).toList());
    }

    private static String hash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
