package io.flowmesh.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.dag.Pipeline;
import io.flowmesh.api.sink.DiscardingSink;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.serialization.JavaSerialization;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.PartitionerType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobGraphBuilderTest {
    private static final String JOB = "0123456789abcdef0123456789abcdef";

    private static JobGraph build(Pipelines.Program program) throws Exception {
        return JobGraphBuilder.build(JOB, Pipelines.capture(Map.of(), program), "s3://b/a.jar", "Main");
    }

    private static Pipelines.Program keyedCount(String mapName) {
        return env -> env.setParallelism(2).fromSequence(0, 99)
                .map(i -> Tuple2.of(i % 10, 1L)).name(mapName)
                .keyBy(t -> t.f0)
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1)).name("Count")
                .sinkTo(new DiscardingSink<>()).name("Sink");
    }

    @Test
    void forwardOperatorsOfEqualParallelismChainAndKeyByCutsTheChain() throws Exception {
        JobGraph g = build(keyedCount("Pair"));
        assertThat(g.getVerticesList()).extracting(JobVertex::getName)
                .containsExactly("Source: Sequence Source -> Pair", "Count -> Sink");
        assertThat(g.getVerticesList()).extracting(JobVertex::getParallelism).containsExactly(2, 2);
        assertThat(g.getVertices(0).getIsSource()).isTrue();
        assertThat(g.getEdgesList()).hasSize(1);
        assertThat(g.getEdges(0).getPartitioner()).isEqualTo(PartitionerType.HASH);
        assertThat(g.getEdges(0).getSourceVertexId()).isEqualTo(g.getVertices(0).getVertexId());
        assertThat(g.getEdges(0).getTargetVertexId()).isEqualTo(g.getVertices(1).getVertexId());
        assertThat(g.getEdges(0).getKeySelector().isEmpty()).isFalse();

        ChainSpec chain = JavaSerialization.deserialize(g.getVertices(1).getOperatorChain().toByteArray(), getClass().getClassLoader());
        assertThat(chain.operators()).extracting(OperatorSpec::kind).containsExactly(OperatorSpec.Kind.KEYED_REDUCE, OperatorSpec.Kind.SINK);
        assertThat(chain.head().stateKeySelector()).isNotNull();
        assertThat(g.getVertices(1).getOperatorIdsList()).hasSize(2).doesNotHaveDuplicates();
        assertThat(g.getVertices(0).getVertexId()).isEqualTo(g.getVertices(0).getOperatorIds(0));
    }

    @Test
    void operatorIdsSurviveRenamesAndFollowUids() throws Exception {
        JobGraph a = build(keyedCount("Pair"));
        JobGraph b = build(keyedCount("Renamed pair"));
        assertThat(b.getVertices(0).getOperatorIdsList()).isEqualTo(a.getVertices(0).getOperatorIdsList());
        assertThat(b.getVertices(1).getOperatorIdsList()).isEqualTo(a.getVertices(1).getOperatorIdsList());

        JobGraph withUid = build(env -> env.fromSequence(0, 9).map(i -> i).uid("my-map").sinkTo(new DiscardingSink<>()));
        JobGraph otherShape = build(env -> env.fromSequence(0, 9).filter(i -> true).map(i -> i).uid("my-map").sinkTo(new DiscardingSink<>()));
        assertThat(withUid.getVertices(0).getOperatorIds(1)).isEqualTo(otherShape.getVertices(0).getOperatorIds(2));
        assertThat(withUid.getVertices(0).getOperatorIds(1)).hasSize(32).matches("[0-9a-f]{32}");
    }

    @Test
    void aDifferentParallelismBreaksTheChainWithARebalance() throws Exception {
        // as in Flink, the sink takes the default parallelism (2), not the map's (3)
        JobGraph g = build(env -> env.setParallelism(2).fromSequence(0, 9).map(i -> i).setParallelism(3).sinkTo(new DiscardingSink<>()));
        assertThat(g.getVerticesList()).extracting(JobVertex::getName).containsExactly("Source: Sequence Source", "Map", "Sink: DiscardingSink");
        assertThat(g.getVerticesList()).extracting(JobVertex::getParallelism).containsExactly(2, 3, 2);
        assertThat(g.getEdgesList()).extracting(e -> e.getPartitioner()).containsExactly(PartitionerType.REBALANCE, PartitionerType.REBALANCE);
    }

    @Test
    void anOperatorFeedingTwoConsumersIsNotChained() throws Exception {
        JobGraph g = build(env -> {
            var mapped = env.fromSequence(0, 9).map(i -> i);
            mapped.sinkTo(new DiscardingSink<>()).name("A");
            mapped.sinkTo(new DiscardingSink<>()).name("B");
        });
        assertThat(g.getVerticesList()).extracting(JobVertex::getName).containsExactly("Source: Sequence Source -> Map", "A", "B");
        assertThat(g.getEdgesList()).extracting(e -> e.getPartitioner()).containsOnly(PartitionerType.FORWARD);
    }

    @Test
    void parallelismAboveMaxParallelismIsRefusedNamingTheOperator() {
        assertThatThrownBy(() -> build(env -> env.fromSequence(0, 9).map(i -> i).name("Wide").setParallelism(200).sinkTo(new DiscardingSink<>())))
                .isInstanceOf(InvalidJobGraphException.class)
                .hasMessage("operator 'Wide': parallelism 200 is larger than its max parallelism 128");
    }

    @Test
    void twoOperatorsWithTheSameUidAreRefused() {
        assertThatThrownBy(() -> build(env -> env.fromSequence(0, 9).map(i -> i).name("First").uid("x")
                .filter(i -> true).name("Second").uid("x").sinkTo(new DiscardingSink<>())))
                .isInstanceOf(InvalidJobGraphException.class)
                .hasMessage("two operators have the same uid 'x': 'First' and 'Second'");
    }

    @Test
    void aFunctionThatIsNotSerializableIsRefusedNamingTheOperator() {
        Object notSerializable = new Object();
        assertThatThrownBy(() -> build(env -> env.fromSequence(0, 9).map(i -> notSerializable.hashCode() + i).name("Capturing")
                .sinkTo(new DiscardingSink<>())))
                .isInstanceOf(InvalidJobGraphException.class)
                .hasMessageContaining("the function of operator 'Capturing' is not serializable")
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void forwardWithADifferentParallelismIsRefused() {
        assertThatThrownBy(() -> build(env -> env.setParallelism(2).fromSequence(0, 9).forward().map(i -> i).name("M").setParallelism(3)
                .sinkTo(new DiscardingSink<>())))
                .isInstanceOf(InvalidJobGraphException.class)
                .hasMessageContaining("operator 'M': forward partitioning does not allow a change of parallelism (2 -> 3)");
    }

    @Test
    void aPipelineWithoutSinksCannotExecute() {
        assertThatThrownBy(() -> Pipelines.capture(Map.of(), env -> env.fromSequence(0, 9).map(i -> i)))
                .hasMessageContaining("No sinks defined in the job 'test job'");
    }

    @Test
    void theDefaultParallelismComesFromTheConfiguration() throws Exception {
        Pipeline p = Pipelines.capture(Map.of("parallelism.default", "4"), env -> env.fromSequence(0, 9).sinkTo(new DiscardingSink<>()));
        assertThat(JobGraphBuilder.build(JOB, p, "", "").getVertices(0).getParallelism()).isEqualTo(4);
    }
}
