package io.flowmesh.bench.jobs;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.sink.SinkWriter;
import io.flowmesh.bench.results.Summary;
import io.flowmesh.connector.kafka.KafkaSink;
import java.nio.charset.StandardCharsets;

/**
 * Writes the summary to {@value Summary#TOPIC} on the cluster's own Kafka with the connector's
 * {@link KafkaSink} (acknowledged by the broker before the subtask finishes): Kafka key = the run
 * id, value = {@link Summary#toText()}.
 */
public final class KafkaSummaryPublisher implements SummaryPublisher {
    private static final long serialVersionUID = 1L;

    @Override
    public void publish(RuntimeContext context, String runId, Summary summary) throws Exception {
        byte[] key = runId.getBytes(StandardCharsets.US_ASCII);
        KafkaSink<Summary> sink = KafkaSink.<Summary>builder()
                .setTopic(Summary.TOPIC)
                .setKeySerializer(s -> key)
                .setValueSerializer(Summary::toBytes)
                .build();
        try (SinkWriter<Summary> writer = sink.createWriter(context)) {
            writer.write(summary);
            writer.flush(true);
        }
    }
}
