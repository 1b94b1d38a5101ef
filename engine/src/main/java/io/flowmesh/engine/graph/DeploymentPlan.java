package io.flowmesh.engine.graph;

import io.flowmesh.proto.ChannelLocation;
import io.flowmesh.proto.InputGateDescriptor;
import io.flowmesh.proto.JobEdge;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.PartitionerType;
import io.flowmesh.proto.ResultPartitionDescriptor;
import io.flowmesh.proto.TaskDeploymentDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a JobGraph and a slot assignment into one {@link TaskDeploymentDescriptor} per subtask:
 * which producer subpartitions each subtask reads (all of them, or only its own on a FORWARD edge)
 * and which partitions it writes. Used by the JobManager and by the in-process executor alike.
 *
 * <p>Slot sharing: subtask {@code i} of every vertex runs in slot {@code i}.
 */
public final class DeploymentPlan {

    /** Where slot {@code i} is: its TaskManager's id and data-exchange address. */
    public interface SlotLocations {
        String taskManagerId(int slot);

        String dataAddress(int slot);
    }

    private final JobGraph graph;
    private final Map<String, JobVertex> vertices = new LinkedHashMap<>();

    public DeploymentPlan(JobGraph graph) {
        this.graph = graph;
        graph.getVerticesList().forEach(v -> vertices.put(v.getVertexId(), v));
    }

    /** Slots the job needs with slot sharing: its largest vertex parallelism. */
    public int slotsNeeded() {
        return graph.getVerticesList().stream().mapToInt(JobVertex::getParallelism).max().orElse(0);
    }

    public TaskDeploymentDescriptor descriptor(JobVertex v, int subtask, int attempt, SlotLocations slots) {
        TaskDeploymentDescriptor.Builder b = TaskDeploymentDescriptor.newBuilder()
                .setJobId(graph.getJobId()).setJobName(graph.getJobName())
                .setVertexId(v.getVertexId()).setVertexName(v.getName())
                .setSubtaskIndex(subtask).setParallelism(v.getParallelism()).setMaxParallelism(v.getMaxParallelism())
                .setAttempt(attempt).setArtifactUri(graph.getArtifactUri()).setOperatorChain(v.getOperatorChain())
                .putAllConfiguration(graph.getConfigurationMap())
                .setTypeSerializers(graph.getTypeSerializers());
        for (JobEdge e : graph.getEdgesList()) {
            if (e.getTargetVertexId().equals(v.getVertexId())) {
                JobVertex producer = vertices.get(e.getSourceVertexId());
                InputGateDescriptor.Builder gate = InputGateDescriptor.newBuilder().setProducerVertexId(producer.getVertexId())
                        .setInputIndex(e.getTargetInput());
                if (e.getPartitioner() == PartitionerType.FORWARD) {
                    gate.addChannels(channel(slots, subtask, 0));
                } else {
                    for (int j = 0; j < producer.getParallelism(); j++) {
                        gate.addChannels(channel(slots, j, subtask));
                    }
                }
                b.addInputs(gate);
            }
            if (e.getSourceVertexId().equals(v.getVertexId())) {
                JobVertex consumer = vertices.get(e.getTargetVertexId());
                b.addOutputs(ResultPartitionDescriptor.newBuilder()
                        .setConsumerVertexId(consumer.getVertexId())
                        .setConsumerVertexName(consumer.getName())
                        .setNumberOfSubpartitions(e.getPartitioner() == PartitionerType.FORWARD ? 1 : consumer.getParallelism())
                        .setPartitioner(e.getPartitioner())
                        .setKeySelector(e.getKeySelector())
                        .setMaxParallelism(consumer.getMaxParallelism())
                        .setSideOutputTag(e.getSideOutputTag()));
            }
        }
        return b.build();
    }

    private static ChannelLocation channel(SlotLocations slots, int producerSubtask, int subpartition) {
        return ChannelLocation.newBuilder().setProducerSubtask(producerSubtask).setTaskmanagerId(slots.taskManagerId(producerSubtask))
                .setDataAddress(slots.dataAddress(producerSubtask)).setSubpartitionIndex(subpartition).build();
    }
}
