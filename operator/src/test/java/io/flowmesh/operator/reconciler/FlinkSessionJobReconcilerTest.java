package io.flowmesh.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowmesh.operator.api.FlinkSessionJob;
import io.flowmesh.operator.api.JobState;
import io.flowmesh.operator.api.ResourceLifecycleState;
import io.flowmesh.operator.api.UpgradeMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenario tests of FlinkSessionJobReconciler on a session cluster. */
@EnableKubernetesMockClient(crud = true)
class FlinkSessionJobReconcilerTest {
    static KubernetesClient client;
    ReconcilerHarness h;

    @BeforeEach
    void setUp() {
        h = new ReconcilerHarness(client);
        h.clear();
    }

    private void sessionCluster(boolean ready) {
        h.service.becomesReady = spec -> ready;
        h.create(Resources.session("session"));
        h.reconcile("session", 2);
        h.service.calls.clear();
    }

    @Test
    void submitsOnceTheSessionClusterIsReadyAndBecomesStable() {
        sessionCluster(false);
        h.create(Resources.sessionJob("etl", "session", UpgradeMode.STATELESS));
        FlinkSessionJob waiting = h.reconcileSessionJob("etl");
        assertThat(waiting.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.DEPLOYED);
        assertThat(waiting.getStatus().getJobStatus().getState()).isEqualTo("RECONCILING");
        assertThat(h.service.calls).isEmpty();

        h.service.clusters.put(new io.flowmesh.operator.service.ClusterId(Resources.NS, "session"),
                new InMemoryClusterService.Cluster(h.get("session").getSpec(), true));
        FlinkSessionJob running = h.reconcileSessionJob("etl");
        assertThat(h.service.calls).containsExactly("submit flowmesh-jobs/session job-1 parallelism=2 restore=null");
        assertThat(running.getStatus().getJobStatus().getJobId()).isEqualTo("job-1");
        assertThat(running.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        // the cluster's configuration reaches the job
        assertThat(h.service.jobs.get("job-1").submission.configuration()).containsEntry("state.checkpoints.dir", Resources.CHECKPOINTS);
    }

    @Test
    void suspendWithSavepointAndResumeFromIt() {
        sessionCluster(true);
        h.create(Resources.sessionJob("etl", "session", UpgradeMode.SAVEPOINT));
        h.reconcileSessionJob("etl");
        h.editSessionJob("etl", s -> s.getJob().setState(JobState.SUSPENDED));
        FlinkSessionJob suspended = h.reconcileSessionJob("etl");
        assertThat(suspended.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.SUSPENDED);
        String savepoint = Resources.SAVEPOINTS + "/savepoint-job-1-1";
        assertThat(suspended.getStatus().getJobStatus().getUpgradeSavepointPath()).isEqualTo(savepoint);

        h.editSessionJob("etl", s -> s.getJob().setState(JobState.RUNNING));
        assertThat(h.reconcileSessionJob("etl").getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.UPGRADING);
        FlinkSessionJob resumed = h.reconcileSessionJob("etl");
        assertThat(resumed.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(h.service.calls).containsExactly("submit flowmesh-jobs/session job-1 parallelism=2 restore=null",
                "stop-with-savepoint job-1",
                "submit flowmesh-jobs/session job-2 parallelism=2 restore=" + savepoint);
        // the session cluster itself is untouched
        assertThat(h.service.calls).noneMatch(c -> c.startsWith("delete") || c.startsWith("deploy"));
    }

    @Test
    void statelessUpgradeCancelsAndResubmits() {
        sessionCluster(true);
        h.create(Resources.sessionJob("etl", "session", UpgradeMode.STATELESS));
        h.reconcileSessionJob("etl");
        h.editSessionJob("etl", s -> s.getJob().setParallelism(3));
        h.reconcileSessionJob("etl");
        h.reconcileSessionJob("etl");
        assertThat(h.service.calls).containsExactly("submit flowmesh-jobs/session job-1 parallelism=2 restore=null",
                "cancel job-1", "submit flowmesh-jobs/session job-2 parallelism=3 restore=null");
    }

    @Test
    void manualSavepointByNonce() {
        sessionCluster(true);
        h.create(Resources.sessionJob("etl", "session", UpgradeMode.STATELESS));
        h.reconcileSessionJob("etl");
        h.editSessionJob("etl", s -> s.getJob().setSavepointTriggerNonce(3L));
        h.reconcileSessionJob("etl");
        String location = h.service.completeSavepoints().get(0);
        FlinkSessionJob done = h.reconcileSessionJob("etl");
        assertThat(done.getStatus().getJobStatus().getSavepointInfo().getLastSavepoint().getLocation()).isEqualTo(location);
        assertThat(done.getStatus().getJobStatus().getSavepointInfo().getLastSavepoint().getTriggerNonce()).isEqualTo(3L);
        assertThat(done.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.STABLE);
        assertThat(h.service.calls).containsExactly("submit flowmesh-jobs/session job-1 parallelism=2 restore=null",
                "trigger-savepoint job-1 sp-1");
    }

    @Test
    void rejectsAnApplicationClusterAsTarget() {
        h.create(Resources.application("wordcount", UpgradeMode.STATELESS));
        h.reconcile("wordcount", 2);
        h.service.calls.clear();
        h.create(Resources.sessionJob("etl", "wordcount", UpgradeMode.STATELESS));
        FlinkSessionJob sj = h.reconcileSessionJob("etl");
        assertThat(sj.getStatus().getError()).isEqualTo("Can not submit session job to application cluster 'wordcount' (it has a job)");
        assertThat(sj.getStatus().getLifecycleState()).isEqualTo(ResourceLifecycleState.CREATED);
        assertThat(h.service.calls).isEmpty();
        assertThat(h.eventReasons("etl")).contains("ValidationError");
    }

    @Test
    void rejectsAMissingSessionCluster() {
        h.create(Resources.sessionJob("etl", "nowhere", UpgradeMode.STATELESS));
        assertThat(h.reconcileSessionJob("etl").getStatus().getError())
                .isEqualTo("Session cluster deployment is not found: no FlinkDeployment named 'nowhere' in this namespace");
    }

    @Test
    void deleteCancelsTheJob() {
        sessionCluster(true);
        h.create(Resources.sessionJob("etl", "session", UpgradeMode.STATELESS));
        h.reconcileSessionJob("etl");
        assertThat(h.cleanupSessionJob("etl").isRemoveFinalizer()).isTrue();
        assertThat(h.service.calls).containsExactly("submit flowmesh-jobs/session job-1 parallelism=2 restore=null", "cancel job-1");
        assertThat(h.service.clusters).hasSize(1);
    }
}
