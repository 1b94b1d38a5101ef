package io.flowmesh.operator.reconciler;

import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.api.FlinkSessionJob;
import io.flowmesh.operator.api.FlinkSessionJobSpec;
import io.flowmesh.operator.api.FlinkVersion;
import io.flowmesh.operator.api.JobSpec;
import io.flowmesh.operator.api.JobState;
import io.flowmesh.operator.api.UpgradeMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test resources: what the seed's sample manifests declare, small. */
final class Resources {
    static final String NS = "flowmesh-jobs";
    static final String CHECKPOINTS = "s3://flowmesh/checkpoints";
    static final String SAVEPOINTS = "s3://flowmesh/savepoints";

    private Resources() {}

    /** Checkpoints, savepoints and Kubernetes HA configured, as stateful upgrade modes need. */
    static Map<String, String> statefulConfiguration() {
        Map<String, String> conf = new HashMap<>();
        conf.put("taskmanager.numberOfTaskSlots", "2");
        conf.put("state.checkpoints.dir", CHECKPOINTS);
        conf.put("execution.checkpointing.savepoint-dir", SAVEPOINTS);
        conf.put("high-availability.type", "kubernetes");
        conf.put("high-availability.storageDir", "s3://flowmesh/ha");
        return conf;
    }

    static FlinkDeployment application(String name, UpgradeMode mode) {
        FlinkDeployment d = session(name);
        JobSpec job = new JobSpec();
        job.setJarURI("s3://flowmesh/jars/wordcount.jar");
        job.setEntryClass("io.flowmesh.examples.KeyedCountExample");
        job.setArgs(List.of("--records", "1000"));
        job.setParallelism(2);
        job.setUpgradeMode(mode);
        job.setState(JobState.RUNNING);
        d.getSpec().setJob(job);
        return d;
    }

    static FlinkDeployment session(String name) {
        FlinkDeployment d = new FlinkDeployment();
        d.getMetadata().setName(name);
        d.getMetadata().setNamespace(NS);
        FlinkDeploymentSpec spec = new FlinkDeploymentSpec();
        spec.setImage("ghcr.io/flowmesh/flowmesh:0.1.0");
        spec.setFlinkVersion(FlinkVersion.v1_20);
        spec.setServiceAccount("flink");
        spec.setFlinkConfiguration(statefulConfiguration());
        d.setSpec(spec);
        return d;
    }

    static FlinkSessionJob sessionJob(String name, String deploymentName, UpgradeMode mode) {
        FlinkSessionJob sj = new FlinkSessionJob();
        sj.getMetadata().setName(name);
        sj.getMetadata().setNamespace(NS);
        FlinkSessionJobSpec spec = new FlinkSessionJobSpec();
        spec.setDeploymentName(deploymentName);
        JobSpec job = new JobSpec();
        job.setJarURI("s3://flowmesh/jars/wordcount.jar");
        job.setParallelism(2);
        job.setUpgradeMode(mode);
        spec.setJob(job);
        sj.setSpec(spec);
        return sj;
    }
}
