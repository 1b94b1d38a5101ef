package io.flowmesh.coordinator;

import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.CheckpointingMode;
import io.flowmesh.proto.TriggerCheckpoint;
import java.util.Map;

/**
 * What a previous coordinator run left behind for job {@link #JOB}, seeded before the coordinator
 * under test starts: the job runs (attempt 0, every subtask RUNNING); checkpoint 7 was triggered on
 * the topic and one subtask uploaded a file, but it never completed nor was aborted; chk-9 is
 * complete in S3 (its _metadata exists) though the topic never saw it (the highest id is in S3).
 * Expected: abort of 7 with its files discarded, the next trigger is 10, and with num-retained 1
 * chk-9 is discarded once 10 completes.
 */
final class CoordinatorRestartScenario {
    static final String JOB = "7e57a11ce0000000000000000000000a";
    static final String DIR = "s3://flowmesh/checkpoints/" + JOB;
    static final Map<String, String> CONF = Map.of("execution.checkpointing.interval", "200 ms", "execution.checkpointing.num-retained", "1");

    private CoordinatorRestartScenario() {}

    static void seed(TestBus bus) throws Exception {
        bus.submit(JOB, CONF);
        bus.running(JOB, 0);
        bus.checkpoint(CheckpointEvent.newBuilder().setJobId(JOB).setCheckpointId(7).setAttempt(0).setTimestampMs(System.currentTimeMillis() - 5000)
                .setTrigger(TriggerCheckpoint.newBuilder().setType(CheckpointType.CHECKPOINT).setTargetLocation(DIR + "/chk-7")
                        .setMode(CheckpointingMode.EXACTLY_ONCE)).build());
        bus.upload(DIR + "/chk-7", "op-source", 0, "left behind");
        bus.upload(DIR + "/chk-9", "op-source", 0, "completed before");
        bus.store().put(bus.store().keyOf(DIR + "/chk-9/_metadata").orElseThrow(),
                CheckpointMetadata.newBuilder().setJobId(JOB).setCheckpointId(9).setType(CheckpointType.CHECKPOINT).build().toByteArray());
    }
}
