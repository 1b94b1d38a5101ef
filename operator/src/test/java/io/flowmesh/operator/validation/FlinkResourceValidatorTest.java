package io.flowmesh.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.api.FlinkSessionJobSpec;
import io.flowmesh.operator.api.FlinkVersion;
import io.flowmesh.operator.api.JobManagerSpec;
import io.flowmesh.operator.api.JobSpec;
import io.flowmesh.operator.api.KubernetesDeploymentMode;
import io.flowmesh.operator.api.Resource;
import io.flowmesh.operator.api.TaskManagerSpec;
import io.flowmesh.operator.api.UpgradeMode;
import io.flowmesh.operator.reconciler.SpecJson;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the validator, each on an otherwise valid spec, with its exact message. */
public class FlinkResourceValidatorTest {
    private final FlinkResourceValidator validator = new FlinkResourceValidator();

    static FlinkDeploymentSpec validApplication() {
        FlinkDeploymentSpec spec = new FlinkDeploymentSpec();
        spec.setImage("ghcr.io/flowmesh/flowmesh:0.1.0");
        spec.setFlinkVersion(FlinkVersion.v1_20);
        Map<String, String> conf = new HashMap<>();
        conf.put("state.checkpoints.dir", "s3://b/checkpoints");
        conf.put("execution.checkpointing.savepoint-dir", "s3://b/savepoints");
        conf.put("high-availability.type", "kubernetes");
        conf.put("high-availability.storageDir", "s3://b/ha");
        spec.setFlinkConfiguration(conf);
        JobSpec job = new JobSpec();
        job.setJarURI("s3://b/job.jar");
        job.setParallelism(2);
        job.setUpgradeMode(UpgradeMode.SAVEPOINT);
        spec.setJob(job);
        return spec;
    }

    static Arguments rule(String message, Consumer<FlinkDeploymentSpec> breakIt) {
        return Arguments.of(message, breakIt);
    }

    /** Each rule: its exact message and how it breaks a valid stateful application spec (also used by the reconciler's scenarios). */
    public static Stream<Arguments> deploymentRules() {
        return Stream.of(
                rule("Flink Version must be defined.", s -> s.setFlinkVersion(null)),
                rule("Image must be defined: the Flowmesh image (spec.image).", s -> s.setImage(" ")),
                rule("Jar URI must be defined", s -> s.getJob().setJarURI(null)),
                rule("Job parallelism must be larger than 0", s -> s.getJob().setParallelism(0)),
                rule("Job parallelism must be larger than 0", s -> s.getJob().setParallelism(-3)),
                rule("Job parallelism must be larger than 0", s -> s.getJob().setParallelism(null)),
                rule("Checkpoint directory[state.checkpoints.dir] must be defined for last-state and savepoint upgrade modes",
                        s -> s.getFlinkConfiguration().remove("state.checkpoints.dir")),
                rule("Checkpoint directory[state.checkpoints.dir] must be defined for last-state and savepoint upgrade modes", s -> {
                    s.getFlinkConfiguration().remove("state.checkpoints.dir");
                    s.getJob().setUpgradeMode(UpgradeMode.LAST_STATE);
                }),
                rule("Job could not be upgraded with last-state while HA disabled", s -> {
                    s.getFlinkConfiguration().remove("high-availability.type");
                    s.getJob().setUpgradeMode(UpgradeMode.LAST_STATE);
                }),
                rule("Job could not be upgraded with savepoint while config key[execution.checkpointing.savepoint-dir] is not set",
                        s -> s.getFlinkConfiguration().remove("execution.checkpointing.savepoint-dir")),
                rule("Periodic savepoints cannot be enabled when config key[execution.checkpointing.savepoint-dir] is not set", s -> {
                    s.getFlinkConfiguration().remove("execution.checkpointing.savepoint-dir");
                    s.getJob().setUpgradeMode(UpgradeMode.STATELESS);
                    s.getFlinkConfiguration().put("kubernetes.operator.periodic.savepoint.interval", "1h");
                }),
                rule("Savepoints cannot be triggered (job.savepointTriggerNonce) when config key[execution.checkpointing.savepoint-dir] is not set", s -> {
                    s.getFlinkConfiguration().remove("execution.checkpointing.savepoint-dir");
                    s.getJob().setUpgradeMode(UpgradeMode.STATELESS);
                    s.getJob().setSavepointTriggerNonce(1L);
                }),
                rule("HA must be enabled for rollback support.", s -> {
                    s.getFlinkConfiguration().remove("high-availability.type");
                    s.getJob().setUpgradeMode(UpgradeMode.STATELESS);
                    s.getFlinkConfiguration().put("kubernetes.operator.deployment.rollback.enabled", "true");
                }),
                rule("Config key[high-availability.storageDir] must be defined when high availability is enabled",
                        s -> s.getFlinkConfiguration().remove("high-availability.storageDir")),
                rule("Invalid value for config key[kubernetes.operator.periodic.savepoint.interval]: 'hourly' is not a duration (e.g. 30s, 10 min, 1h, 2d)",
                        s -> s.getFlinkConfiguration().put("kubernetes.operator.periodic.savepoint.interval", "hourly")),
                rule("Invalid value for config key[kubernetes.operator.deployment.rollback.enabled]: 'yes' is not true or false",
                        s -> s.getFlinkConfiguration().put("kubernetes.operator.deployment.rollback.enabled", "yes")),
                rule("Invalid value for config key[kubernetes.operator.savepoint.history.max.count]: must be at least 1",
                        s -> s.getFlinkConfiguration().put("kubernetes.operator.savepoint.history.max.count", "0")),
                rule("JobManager replicas should not be configured less than one.", s -> {
                    s.setJobManager(new JobManagerSpec());
                    s.getJobManager().setReplicas(0);
                }),
                rule("High availability should be enabled when starting standby JobManagers.", s -> {
                    s.getFlinkConfiguration().remove("high-availability.type");
                    s.getJob().setUpgradeMode(UpgradeMode.STATELESS);
                    s.setJobManager(new JobManagerSpec());
                    s.getJobManager().setReplicas(2);
                }),
                rule("TaskManager replicas should not be configured less than one.", s -> {
                    s.setTaskManager(new TaskManagerSpec());
                    s.getTaskManager().setReplicas(0);
                }),
                rule("TaskManager resource memory parse error: 'lots' is not a memory size", s -> {
                    s.setTaskManager(new TaskManagerSpec());
                    s.getTaskManager().setResource(new Resource());
                    s.getTaskManager().getResource().setMemory("lots");
                }),
                rule("JobManager resource cpu must be larger than 0, was 0.0", s -> {
                    s.setJobManager(new JobManagerSpec());
                    s.getJobManager().setResource(new Resource());
                    s.getJobManager().getResource().setCpu(0.0);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deploymentRules")
    void rejects(String message, Consumer<FlinkDeploymentSpec> breakIt) {
        FlinkDeploymentSpec spec = validApplication();
        assertThat(validator.validateDeployment("wordcount", spec, null)).isEmpty();
        breakIt.accept(spec);
        assertThat(validator.validateDeployment("wordcount", spec, null)).contains(message);
    }

    @Test
    void acceptsFlinkSizesAndKubernetesQuantities() {
        FlinkDeploymentSpec spec = validApplication();
        spec.setJobManager(new JobManagerSpec());
        spec.getJobManager().setResource(new Resource());
        for (String memory : new String[] {"2048m", "2g", "1gb", "2Gi", "512Mi"}) {
            spec.getJobManager().getResource().setMemory(memory);
            assertThat(validator.validateDeployment("wordcount", spec, null)).as(memory).isEmpty();
        }
        assertThat(FlinkResourceValidator.flinkToKubernetesMemory("2048m")).isEqualTo("2048Mi");
        assertThat(FlinkResourceValidator.flinkToKubernetesMemory("1gb")).isEqualTo("1Gi");
        assertThat(FlinkResourceValidator.flinkToKubernetesMemory("2Gi")).isEqualTo("2Gi");
    }

    @Test
    void rejectsInvalidNames() {
        assertThat(validator.validateDeployment("Word_Count", validApplication(), null)).hasValueSatisfying(m ->
                assertThat(m).startsWith("The FlinkDeployment name: Word_Count is invalid"));
        assertThat(validator.validateDeployment("a".repeat(46), validApplication(), null)).isPresent();
        assertThat(validator.validateDeployment("a".repeat(45), validApplication(), null)).isEmpty();
    }

    @Test
    void rejectsModeSwitches() {
        FlinkDeploymentSpec last = validApplication();
        FlinkDeploymentSpec standalone = copy(last);
        standalone.setMode(KubernetesDeploymentMode.STANDALONE);
        assertThat(validator.validateDeployment("wordcount", standalone, last)).contains("Cannot switch from native kubernetes to standalone mode");
        assertThat(validator.validateDeployment("wordcount", last, standalone)).contains("Cannot switch from standalone kubernetes to native mode");
        FlinkDeploymentSpec explicitNative = copy(last);
        explicitNative.setMode(KubernetesDeploymentMode.NATIVE);
        assertThat(validator.validateDeployment("wordcount", explicitNative, last)).isEmpty();
    }

    @Test
    void rejectsSwitchesBetweenSessionAndApplication() {
        FlinkDeploymentSpec app = validApplication();
        FlinkDeploymentSpec session = copy(app);
        session.setJob(null);
        assertThat(validator.validateDeployment("wordcount", app, session)).contains("Cannot switch from session to job cluster");
        assertThat(validator.validateDeployment("wordcount", session, app)).contains("Cannot switch from job to session cluster");
    }

    static FlinkSessionJobSpec validSessionJob() {
        FlinkSessionJobSpec spec = new FlinkSessionJobSpec();
        spec.setDeploymentName("session");
        JobSpec job = new JobSpec();
        job.setJarURI("s3://b/job.jar");
        job.setParallelism(1);
        job.setUpgradeMode(UpgradeMode.SAVEPOINT);
        spec.setJob(job);
        return spec;
    }

    @Test
    void sessionJobRules() {
        FlinkDeploymentSpec session = validApplication();
        session.setJob(null);
        FlinkSessionJobSpec spec = validSessionJob();
        assertThat(validator.validateSessionJob(spec, session, null)).isEmpty();
        assertThat(validator.validateSessionJob(spec, null, null))
                .contains("Session cluster deployment is not found: no FlinkDeployment named 'session' in this namespace");
        assertThat(validator.validateSessionJob(spec, validApplication(), null))
                .contains("Can not submit session job to application cluster 'session' (it has a job)");
        FlinkSessionJobSpec moved = validSessionJob();
        moved.setDeploymentName("other");
        assertThat(validator.validateSessionJob(moved, session, spec)).contains("The deploymentName can't be changed");
        FlinkSessionJobSpec noName = validSessionJob();
        noName.setDeploymentName(null);
        assertThat(validator.validateSessionJob(noName, session, null)).contains("The deploymentName can't be null");
        FlinkSessionJobSpec noJob = validSessionJob();
        noJob.setJob(null);
        assertThat(validator.validateSessionJob(noJob, session, null)).contains("The job spec should not be empty");
        FlinkSessionJobSpec lastState = validSessionJob();
        lastState.getJob().setUpgradeMode(UpgradeMode.LAST_STATE);
        assertThat(validator.validateSessionJob(lastState, session, null)).contains("The LAST_STATE upgrade mode is not supported in session job now.");
        FlinkSessionJobSpec zero = validSessionJob();
        zero.getJob().setParallelism(0);
        assertThat(validator.validateSessionJob(zero, session, null)).contains("Job parallelism must be larger than 0");
        // the session job's own configuration is merged over the cluster's
        FlinkSessionJobSpec noSavepointDir = validSessionJob();
        noSavepointDir.setFlinkConfiguration(Map.of("execution.checkpointing.savepoint-dir", ""));
        assertThat(validator.validateSessionJob(noSavepointDir, session, null))
                .contains("Job could not be upgraded with savepoint while config key[execution.checkpointing.savepoint-dir] is not set");
    }

    private static FlinkDeploymentSpec copy(FlinkDeploymentSpec spec) {
        return SpecJson.read(SpecJson.write(spec), FlinkDeploymentSpec.class);
    }

}
