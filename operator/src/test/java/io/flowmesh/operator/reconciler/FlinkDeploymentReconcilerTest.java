package io.flowmesh.operator.reconciler;

import static io.flowmesh.operator.reconciler.Resources.SAVEPOINTS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.api.JobManagerDeploymentStatus;
import io.flowmesh.operator.api.JobState;
import io.flowmesh.operator.api.ReconciliationState;
import io.flowmesh.operator.api.ResourceLifecycleState;
import io.flowmesh.operator.api.Savepoint;
import io.flowmesh.operator.api.SnapshotTriggerType;
import io.flowmesh.operator.api.UpgradeMode;
import io.flowmesh.operator.service.ClusterId;
import io.flowmesh.operator.validation.FlinkResourceValidatorTest;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Scenario tests of FlinkDeploymentReconciler: lifecycle, upgrade modes, savepoints, rollback, delete. */
@EnableKubernetesMockClient(crud = true)
class FlinkDeploymentReconcilerTest {
    static KubernetesClient client;
    ReconcilerHarness h;
    final ClusterId cluster = new ClusterId(Resources.NS, "wordcount");

    @BeforeEach
    void setUp() {
        h = new ReconcilerHarness(client);
        h.clear();
    }

    /** Creates the deployment and reconciles it to STABLE (deploy, then submit once the JobManager is ready). */
    private FlinkDeployment stable(FlinkDeployment d) {
        h.create(d);
        FlinkDeployment deployed = h.reconcile(d.getMetadata().getName());
        assertThat(deployed.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.DEPLOYED);
        FlinkDeployment s = h.reconcile(d.getMetadata().getName());
        assertThat(s.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        h.service.calls.clear();
        return s;
    }

    @Test
    void deploysThenSubmitsTheJobAndBecomesStable() {
        FlinkDeployment d = Resources.application("wordcount", UpgradeMode.STATELESS);
        d.getSpec().getJob().setInitialSavepointPath("s3://flowmesh/savepoints/initial");
        h.create(d);

        FlinkDeployment first = h.reconcile("wordcount");
        assertThat(first.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.DEPLOYED);
        assertThat(first.getStatus().getJobManagerDeploymentStatus()).isEqualTo(JobManagerDeploymentStatus.DEPLOYING);
        assertThat(first.getStatus().getJobStatus().getState()).isEqualTo("RECONCILING");
        assertThat(first.getStatus().getReconciliationStatus().getState()).isEqualTo(ReconciliationState.DEPLOYED);
        assertThat(first.getStatus().getReconciliationStatus().getLastStableSpec()).isNull();
        assertThat(first.getStatus().getObservedGeneration()).isEqualTo(1L);
        assertThat(h.service.calls).containsExactly("deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0");

        FlinkDeployment second = h.reconcile("wordcount");
        assertThat(h.service.calls).containsExactly(
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-1 parallelism=2 restore=s3://flowmesh/savepoints/initial");
        var js = second.getStatus().getJobStatus();
        assertThat(js.getJobId()).isEqualTo("job-1");
        assertThat(js.getState()).isEqualTo("RUNNING");
        assertThat(js.getStartTime()).isEqualTo(Long.toString(h.clock.millis()));
        assertThat(second.getStatus().getJobManagerDeploymentStatus()).isEqualTo(JobManagerDeploymentStatus.READY);
        assertThat(second.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(second.getStatus().getReconciliationStatus().getLastStableSpec())
                .isEqualTo(second.getStatus().getReconciliationStatus().getLastReconciledSpec());
        assertThat(SpecJson.read(second.getStatus().getReconciliationStatus().getLastStableSpec(), FlinkDeploymentSpec.class)
                .getJob().getParallelism()).isEqualTo(2);
        var submission = h.service.jobs.get("job-1").submission;
        assertThat(submission.entryClass()).isEqualTo("io.flowmesh.examples.KeyedCountExample");
        assertThat(submission.args()).containsExactly("--records", "1000");
        assertThat(submission.configuration()).containsEntry("state.checkpoints.dir", Resources.CHECKPOINTS);
        assertThat(h.eventReasons("wordcount")).containsExactly(
                "Submit", "LifecycleStateChanged", "Submit", "JobStatusChanged", "DeploymentStable", "LifecycleStateChanged");
        assertThat(h.events("wordcount").get(5).getMessage()).isEqualTo("Lifecycle state changed from DEPLOYED to STABLE");

        // nothing to do while stable: no calls but observation
        h.service.calls.clear();
        FlinkDeploymentSpec before = SpecJson.read(second.getStatus().getReconciliationStatus().getLastReconciledSpec(), FlinkDeploymentSpec.class);
        FlinkDeployment third = h.reconcile("wordcount");
        assertThat(h.service.calls).isEmpty();
        assertThat(third.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(SpecJson.write(before)).isEqualTo(third.getStatus().getReconciliationStatus().getLastReconciledSpec());
    }

    @Test
    void sessionClusterIsStableOnceTheJobManagerIsReady() {
        h.create(Resources.session("session"));
        assertThat(h.reconcile("session").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.DEPLOYED);
        FlinkDeployment d = h.reconcile("session");
        assertThat(d.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(d.getStatus().getJobStatus().getJobId()).isNull();
        assertThat(h.service.calls).containsExactly("deploy flowmesh-jobs/session image=ghcr.io/flowmesh/flowmesh:0.1.0");
    }

    @Test
    void statelessUpgradeCancelsAndStartsFromEmptyState() {
        stable(Resources.application("wordcount", UpgradeMode.STATELESS));
        h.service.completeCheckpoint("job-1");
        h.edit("wordcount", s -> s.getJob().setParallelism(4));

        FlinkDeployment upgrading = h.reconcile("wordcount");
        assertThat(upgrading.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.UPGRADING);
        assertThat(upgrading.getStatus().getObservedGeneration()).isEqualTo(2L);
        assertThat(h.service.calls).containsExactly("cancel job-1", "delete flowmesh-jobs/wordcount haData=true");

        assertThat(h.reconcile("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.DEPLOYED);
        FlinkDeployment upgraded = h.reconcile("wordcount");
        assertThat(h.service.calls).containsExactly("cancel job-1", "delete flowmesh-jobs/wordcount haData=true",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-2 parallelism=4 restore=null");
        assertThat(upgraded.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(upgraded.getStatus().getJobStatus().getJobId()).isEqualTo("job-2");
        assertThat(h.eventReasons("wordcount")).contains("SpecChanged");
    }

    @Test
    void lastStateUpgradeRestoresFromTheLatestCheckpointAndKeepsHaData() {
        stable(Resources.application("wordcount", UpgradeMode.LAST_STATE));
        h.service.completeCheckpoint("job-1");
        String latest = h.service.completeCheckpoint("job-1");
        assertThat(latest).isEqualTo("s3://flowmesh/checkpoints/job-1/chk-2");
        h.edit("wordcount", s -> s.setImage("ghcr.io/flowmesh/flowmesh:0.2.0"));

        h.reconcile("wordcount", 3);
        assertThat(h.service.calls).containsExactly("cancel job-1", "delete flowmesh-jobs/wordcount haData=false",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.2.0",
                "submit flowmesh-jobs/wordcount job-2 parallelism=2 restore=s3://flowmesh/checkpoints/job-1/chk-2");
        FlinkDeployment d = h.get("wordcount");
        assertThat(d.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(d.getStatus().getJobStatus().getUpgradeSavepointPath()).isEqualTo(latest);
    }

    @Test
    void savepointUpgradeStopsWithSavepointAndRestoresFromIt() {
        stable(Resources.application("wordcount", UpgradeMode.SAVEPOINT));
        h.edit("wordcount", s -> s.getJob().setArgs(List.of("--records", "2000")));

        h.reconcile("wordcount", 3);
        String savepoint = SAVEPOINTS + "/savepoint-job-1-1";
        assertThat(h.service.calls).containsExactly("stop-with-savepoint job-1", "delete flowmesh-jobs/wordcount haData=true",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-2 parallelism=2 restore=" + savepoint);
        FlinkDeployment d = h.get("wordcount");
        assertThat(h.service.jobs.get("job-2").submission.args()).containsExactly("--records", "2000");
        Savepoint last = d.getStatus().getJobStatus().getSavepointInfo().getLastSavepoint();
        assertThat(last.getLocation()).isEqualTo(savepoint);
        assertThat(last.getTriggerType()).isEqualTo(SnapshotTriggerType.UPGRADE);
        assertThat(d.getStatus().getJobStatus().getSavepointInfo().getSavepointHistory()).extracting(Savepoint::getLocation)
                .containsExactly(savepoint);
    }

    @Test
    void savepointUpgradeOfAJobThatDoesNotRunFallsBackToLastState() {
        stable(Resources.application("wordcount", UpgradeMode.SAVEPOINT));
        h.service.completeCheckpoint("job-1");
        h.service.job("job-1").state = "FAILED";
        assertThat(h.reconcile("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.FAILED);
        h.edit("wordcount", s -> s.getJob().setParallelism(3));

        h.reconcile("wordcount", 3);
        assertThat(h.service.calls).containsExactly("delete flowmesh-jobs/wordcount haData=true",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-2 parallelism=3 restore=s3://flowmesh/checkpoints/job-1/chk-1");
        assertThat(h.eventReasons("wordcount")).contains("UpgradeFallback");
        assertThat(h.get("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
    }

    @Test
    void savepointUpgradeWithoutFallbackKeepsTheOldSpecAndReportsTheError() {
        FlinkDeployment d = Resources.application("wordcount", UpgradeMode.SAVEPOINT);
        d.getSpec().getFlinkConfiguration().put("kubernetes.operator.job.upgrade.last-state-fallback.enabled", "false");
        stable(d);
        String reconciledBefore = h.get("wordcount").getStatus().getReconciliationStatus().getLastReconciledSpec();
        h.service.job("job-1").state = "FAILED";
        h.reconcile("wordcount");
        h.edit("wordcount", s -> s.getJob().setParallelism(3));

        FlinkDeployment after = h.reconcile("wordcount");
        assertThat(after.getStatus().getError()).isEqualTo("Job job-1 is not running (state FAILED), so the savepoint the "
                + "upgrade needs cannot be taken, and the last-state fallback is disabled "
                + "(kubernetes.operator.job.upgrade.last-state-fallback.enabled)");
        assertThat(after.getStatus().getReconciliationStatus().getLastReconciledSpec()).isEqualTo(reconciledBefore);
        assertThat(h.service.calls).isEmpty();
        assertThat(h.service.clusters).containsKey(cluster);
        h.reconcile("wordcount");
        assertThat(h.eventReasons("wordcount").stream().filter("UpgradeError"::equals)).hasSize(1);
    }

    @Test
    void suspendWithSavepointThenResumeFromIt() {
        stable(Resources.application("wordcount", UpgradeMode.SAVEPOINT));
        h.edit("wordcount", s -> s.getJob().setState(JobState.SUSPENDED));

        FlinkDeployment suspended = h.reconcile("wordcount");
        String savepoint = SAVEPOINTS + "/savepoint-job-1-1";
        assertThat(suspended.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.SUSPENDED);
        assertThat(suspended.getStatus().getJobStatus().getState()).isEqualTo("SUSPENDED");
        assertThat(suspended.getStatus().getJobStatus().getUpgradeSavepointPath()).isEqualTo(savepoint);
        assertThat(h.service.calls).containsExactly("stop-with-savepoint job-1", "delete flowmesh-jobs/wordcount haData=true");
        assertThat(h.service.clusters).isEmpty();
        h.reconcile("wordcount");
        assertThat(h.service.calls).hasSize(2);
        assertThat(h.eventReasons("wordcount")).contains("Suspended");

        h.edit("wordcount", s -> s.getJob().setState(JobState.RUNNING));
        assertThat(h.reconcile("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.UPGRADING);
        h.reconcile("wordcount", 2);
        assertThat(h.service.calls).containsExactly("stop-with-savepoint job-1", "delete flowmesh-jobs/wordcount haData=true",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-2 parallelism=2 restore=" + savepoint);
        assertThat(h.get("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
    }

    @Test
    void suspendWithLastStateKeepsHaDataAndResumesFromTheCheckpoint() {
        stable(Resources.application("wordcount", UpgradeMode.LAST_STATE));
        String checkpoint = h.service.completeCheckpoint("job-1");
        h.edit("wordcount", s -> s.getJob().setState(JobState.SUSPENDED));
        assertThat(h.reconcile("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.SUSPENDED);
        h.edit("wordcount", s -> s.getJob().setState(JobState.RUNNING));
        h.reconcile("wordcount", 3);
        assertThat(h.service.calls).containsExactly("cancel job-1", "delete flowmesh-jobs/wordcount haData=false",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-2 parallelism=2 restore=" + checkpoint);
    }

    @Test
    void createdSuspendedDeploysNothingUntilResumed() {
        FlinkDeployment d = Resources.application("wordcount", UpgradeMode.STATELESS);
        d.getSpec().getJob().setState(JobState.SUSPENDED);
        h.create(d);
        assertThat(h.reconcile("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.SUSPENDED);
        assertThat(h.service.calls).isEmpty();
        h.edit("wordcount", s -> s.getJob().setState(JobState.RUNNING));
        h.reconcile("wordcount", 3);
        assertThat(h.service.calls).containsExactly("deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-1 parallelism=2 restore=null");
    }

    @Test
    void manualSavepointByNonceWithoutUpgrade() {
        stable(Resources.application("wordcount", UpgradeMode.SAVEPOINT));
        h.edit("wordcount", s -> s.getJob().setSavepointTriggerNonce(7L));

        FlinkDeployment triggered = h.reconcile("wordcount");
        var info = triggered.getStatus().getJobStatus().getSavepointInfo();
        assertThat(h.service.calls).containsExactly("trigger-savepoint job-1 sp-1");
        assertThat(info.getTriggerId()).isEqualTo("sp-1");
        assertThat(info.getTriggerType()).isEqualTo(SnapshotTriggerType.MANUAL);
        assertThat(triggered.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(SpecJson.read(triggered.getStatus().getReconciliationStatus().getLastReconciledSpec(), FlinkDeploymentSpec.class)
                .getJob().getSavepointTriggerNonce()).isEqualTo(7L);

        h.reconcile("wordcount"); // still pending
        assertThat(h.get("wordcount").getStatus().getJobStatus().getSavepointInfo().getTriggerId()).isEqualTo("sp-1");
        List<String> locations = h.service.completeSavepoints();
        FlinkDeployment done = h.reconcile("wordcount");
        info = done.getStatus().getJobStatus().getSavepointInfo();
        assertThat(info.getTriggerId()).isNull();
        assertThat(info.getLastSavepoint().getLocation()).isEqualTo(locations.get(0)).isEqualTo(SAVEPOINTS + "/savepoint-job-1-sp-1");
        assertThat(info.getLastSavepoint().getTriggerNonce()).isEqualTo(7L);
        assertThat(info.getLastSavepoint().getTriggerType()).isEqualTo(SnapshotTriggerType.MANUAL);
        assertThat(info.getSavepointHistory()).hasSize(1);
        h.reconcile("wordcount");
        assertThat(h.service.calls).containsExactly("trigger-savepoint job-1 sp-1");
        assertThat(h.eventReasons("wordcount")).contains("SavepointTriggered", "SavepointCompleted");
    }

    @Test
    void failedSavepointIsReportedAndCleared() {
        stable(Resources.application("wordcount", UpgradeMode.SAVEPOINT));
        h.edit("wordcount", s -> s.getJob().setSavepointTriggerNonce(1L));
        h.reconcile("wordcount");
        h.service.failSavepoint("sp-1", "coordinator lost");
        FlinkDeployment d = h.reconcile("wordcount");
        assertThat(d.getStatus().getJobStatus().getSavepointInfo().getTriggerId()).isNull();
        assertThat(d.getStatus().getJobStatus().getSavepointInfo().getLastSavepoint()).isNull();
        assertThat(h.events("wordcount")).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("SavepointError");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).isEqualTo("Savepoint sp-1 (MANUAL) of job job-1 failed: coordinator lost");
        });
    }

    @Test
    void periodicSavepointsWithHistoryTrimmedByCount() {
        FlinkDeployment d = Resources.application("wordcount", UpgradeMode.SAVEPOINT);
        d.getSpec().getFlinkConfiguration().put("kubernetes.operator.periodic.savepoint.interval", "1h");
        d.getSpec().getFlinkConfiguration().put("kubernetes.operator.savepoint.history.max.count", "2");
        stable(d);
        h.clock.advance(Duration.ofMinutes(59));
        h.reconcile("wordcount");
        assertThat(h.service.calls).isEmpty();

        String[] locations = new String[3];
        for (int i = 0; i < 3; i++) {
            h.clock.advance(Duration.ofMinutes(i == 0 ? 1 : 60));
            FlinkDeployment t = h.reconcile("wordcount");
            assertThat(t.getStatus().getJobStatus().getSavepointInfo().getTriggerType()).isEqualTo(SnapshotTriggerType.PERIODIC);
            assertThat(t.getStatus().getJobStatus().getSavepointInfo().getLastPeriodicSavepointTimestamp()).isEqualTo(h.clock.millis());
            locations[i] = h.service.completeSavepoints().get(0);
            h.reconcile("wordcount");
        }
        var info = h.get("wordcount").getStatus().getJobStatus().getSavepointInfo();
        assertThat(info.getSavepointHistory()).extracting(Savepoint::getLocation).containsExactly(locations[1], locations[2]);
        assertThat(h.service.disposed).containsExactly(locations[0]);
        assertThat(h.service.calls.stream().filter(c -> c.startsWith("trigger-savepoint"))).hasSize(3);
        assertThat(h.eventReasons("wordcount")).contains("SavepointHistoryCleaned");
    }

    @Test
    void savepointHistoryTrimmedByAgeKeepsTheLastOne() {
        FlinkDeployment d = Resources.application("wordcount", UpgradeMode.SAVEPOINT);
        d.getSpec().getFlinkConfiguration().put("kubernetes.operator.savepoint.history.max.age", "2h");
        stable(d);
        String[] locations = new String[2];
        for (int i = 0; i < 2; i++) {
            long nonce = i + 1;
            h.edit("wordcount", s -> s.getJob().setSavepointTriggerNonce(nonce));
            h.reconcile("wordcount");
            locations[i] = h.service.completeSavepoints().get(0);
            h.reconcile("wordcount");
            h.clock.advance(Duration.ofMinutes(90));
        }
        // now: first is 180 min old, second 90 min: the first goes
        h.reconcile("wordcount");
        assertThat(h.get("wordcount").getStatus().getJobStatus().getSavepointInfo().getSavepointHistory())
                .extracting(Savepoint::getLocation).containsExactly(locations[1]);
        assertThat(h.service.disposed).containsExactly(locations[0]);
        h.clock.advance(Duration.ofHours(5)); // the last savepoint stays however old
        h.reconcile("wordcount");
        assertThat(h.get("wordcount").getStatus().getJobStatus().getSavepointInfo().getSavepointHistory()).hasSize(1);
    }

    @Test
    void restartNonceRestartsTheJob() {
        stable(Resources.application("wordcount", UpgradeMode.LAST_STATE));
        h.edit("wordcount", s -> s.setRestartNonce(1L));
        h.reconcile("wordcount", 3);
        assertThat(h.service.calls).containsExactly("cancel job-1", "delete flowmesh-jobs/wordcount haData=false",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-2 parallelism=2 restore=null");
    }

    @Test
    void rollsBackWhenTheNewJobManagerNeverBecomesReady() {
        FlinkDeployment d = Resources.application("wordcount", UpgradeMode.LAST_STATE);
        d.getSpec().getFlinkConfiguration().put("kubernetes.operator.deployment.rollback.enabled", "true");
        d.getSpec().getFlinkConfiguration().put("kubernetes.operator.deployment.readiness.timeout", "1 min");
        stable(d);
        String checkpoint = h.service.completeCheckpoint("job-1");
        h.service.becomesReady = spec -> !spec.getImage().endsWith(":broken");
        h.edit("wordcount", s -> s.setImage("ghcr.io/flowmesh/flowmesh:broken"));

        h.reconcile("wordcount", 2); // stop the old job, deploy the new spec
        FlinkDeployment waiting = h.reconcile("wordcount");
        assertThat(waiting.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.DEPLOYED);
        assertThat(waiting.getStatus().getJobManagerDeploymentStatus()).isEqualTo(JobManagerDeploymentStatus.DEPLOYING);
        h.clock.advance(Duration.ofSeconds(59));
        assertThat(h.reconcile("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.DEPLOYED);

        h.clock.advance(Duration.ofSeconds(1));
        FlinkDeployment rollingBack = h.reconcile("wordcount");
        assertThat(rollingBack.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.ROLLING_BACK);
        FlinkDeployment rolledBack = h.reconcile("wordcount");
        assertThat(rolledBack.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.ROLLED_BACK);
        FlinkDeployment running = h.reconcile("wordcount");
        assertThat(h.service.calls).containsExactly(
                "cancel job-1", "delete flowmesh-jobs/wordcount haData=false",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:broken",
                "delete flowmesh-jobs/wordcount haData=false",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.1.0",
                "submit flowmesh-jobs/wordcount job-2 parallelism=2 restore=" + checkpoint);
        assertThat(running.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.ROLLED_BACK);
        assertThat(running.getStatus().getJobStatus().getState()).isEqualTo("RUNNING");
        assertThat(running.getSpec().getImage()).isEqualTo("ghcr.io/flowmesh/flowmesh:broken");
        assertThat(h.eventReasons("wordcount")).contains("Rollback");

        // a fixed spec upgrades from the rolled-back deployment
        h.edit("wordcount", s -> s.setImage("ghcr.io/flowmesh/flowmesh:0.2.0"));
        h.service.calls.clear();
        h.reconcile("wordcount", 3);
        assertThat(h.service.calls).containsExactly("cancel job-2", "delete flowmesh-jobs/wordcount haData=false",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:0.2.0",
                "submit flowmesh-jobs/wordcount job-3 parallelism=2 restore=" + checkpoint);
        assertThat(h.get("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
    }

    @Test
    void withoutRollbackAnUnreadySpecStaysDeployed() {
        stable(Resources.application("wordcount", UpgradeMode.STATELESS));
        h.service.becomesReady = spec -> false;
        h.edit("wordcount", s -> s.setImage("ghcr.io/flowmesh/flowmesh:broken"));
        h.reconcile("wordcount", 2);
        h.clock.advance(Duration.ofHours(1));
        assertThat(h.reconcile("wordcount").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.DEPLOYED);
        assertThat(h.service.calls).containsExactly("cancel job-1", "delete flowmesh-jobs/wordcount haData=true",
                "deploy flowmesh-jobs/wordcount image=ghcr.io/flowmesh/flowmesh:broken");
    }

    @Test
    void deleteCancelsTheJobAndRemovesTheClusterWithItsHaData() {
        stable(Resources.application("wordcount", UpgradeMode.LAST_STATE));
        DeleteControl control = h.cleanup("wordcount");
        assertThat(control.isRemoveFinalizer()).isTrue();
        assertThat(h.service.calls).containsExactly("cancel job-1", "delete flowmesh-jobs/wordcount haData=true");
        assertThat(h.eventReasons("wordcount")).contains("Cleanup");
    }

    @Test
    void deleteWithSavepointOnDeletion() {
        FlinkDeployment d = Resources.application("wordcount", UpgradeMode.STATELESS);
        d.getSpec().getFlinkConfiguration().put("kubernetes.operator.job.savepoint-on-deletion", "true");
        stable(d);
        assertThat(h.cleanup("wordcount").isRemoveFinalizer()).isTrue();
        assertThat(h.service.calls).containsExactly("stop-with-savepoint job-1", "delete flowmesh-jobs/wordcount haData=true");
    }

    @Test
    void sessionClusterIsNotDeletedWhileSessionJobsUseIt() {
        stable(Resources.session("session"));
        h.create(Resources.sessionJob("etl", "session", UpgradeMode.STATELESS));
        DeleteControl blocked = h.cleanup("session");
        assertThat(blocked.isRemoveFinalizer()).isFalse();
        assertThat(h.service.calls).isEmpty();
        h.client.resource(h.getSessionJob("etl")).delete();
        assertThat(h.cleanup("session").isRemoveFinalizer()).isTrue();
        assertThat(h.service.calls).containsExactly("delete flowmesh-jobs/session haData=true");
    }

    @Test
    void invalidSpecChangeIsReportedWhileTheLastValidSpecKeepsRunning() {
        stable(Resources.application("wordcount", UpgradeMode.SAVEPOINT));
        String reconciled = h.get("wordcount").getStatus().getReconciliationStatus().getLastReconciledSpec();
        h.edit("wordcount", s -> s.getJob().setParallelism(0));

        FlinkDeployment d = h.reconcile("wordcount");
        assertThat(d.getStatus().getError()).isEqualTo("Job parallelism must be larger than 0");
        assertThat(d.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(d.getStatus().getJobStatus().getState()).isEqualTo("RUNNING");
        assertThat(d.getStatus().getReconciliationStatus().getLastReconciledSpec()).isEqualTo(reconciled);
        assertThat(d.getStatus().getObservedGeneration()).isEqualTo(1L);
        assertThat(h.service.calls).isEmpty();
        h.reconcile("wordcount");
        assertThat(h.events("wordcount")).filteredOn(e -> e.getReason().equals("ValidationError")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).isEqualTo("Job parallelism must be larger than 0");
                    assertThat(e.getInvolvedObject().getKind()).isEqualTo("FlinkDeployment");
                    assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("flowmesh.io/v1beta1");
                });

        h.edit("wordcount", s -> s.getJob().setParallelism(5));
        FlinkDeployment fixed = h.reconcile("wordcount");
        assertThat(fixed.getStatus().getError()).isNull();
        assertThat(fixed.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.UPGRADING);
        assertThat(h.service.calls).containsExactly("stop-with-savepoint job-1", "delete flowmesh-jobs/wordcount haData=true");
    }

    static Stream<Arguments> validationRules() {
        return FlinkResourceValidatorTest.deploymentRules();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validationRules")
    void everyValidationRuleRejectsASpecChangeAndKeepsTheLastValidSpecRunning(String message, Consumer<FlinkDeploymentSpec> breakIt) {
        stable(Resources.application("wordcount", UpgradeMode.SAVEPOINT));
        String reconciled = h.get("wordcount").getStatus().getReconciliationStatus().getLastReconciledSpec();
        h.edit("wordcount", breakIt);

        FlinkDeployment d = h.reconcile("wordcount");
        assertThat(d.getStatus().getError()).isEqualTo(message);
        assertThat(d.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(d.getStatus().getJobStatus().getState()).isEqualTo("RUNNING");
        assertThat(d.getStatus().getReconciliationStatus().getLastReconciledSpec()).isEqualTo(reconciled);
        assertThat(h.service.calls).isEmpty();
        assertThat(h.events("wordcount")).filteredOn(e -> e.getReason().equals("ValidationError")).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).isEqualTo(message));
    }

    @Test
    void invalidNewDeploymentDeploysNothing() {
        FlinkDeployment d = Resources.application("wordcount", UpgradeMode.LAST_STATE);
        d.getSpec().getFlinkConfiguration().remove("high-availability.type");
        h.create(d);
        FlinkDeployment after = h.reconcile("wordcount");
        assertThat(after.getStatus().getError()).isEqualTo("Job could not be upgraded with last-state while HA disabled");
        assertThat(after.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.CREATED);
        assertThat(after.getStatus().getReconciliationStatus().getLastReconciledSpec()).isNull();
        assertThat(h.service.calls).isEmpty();
        assertThat(h.eventReasons("wordcount")).containsExactly("ValidationError", "LifecycleStateChanged");
    }
}
