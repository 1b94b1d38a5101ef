package io.flowmesh.dispatcher.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.proto.JobGraph;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JobGraphs the dispatcher stored at submission ({@code <ha dir>/jobgraphs/<job id>.pb} in S3),
 * read once per job and kept: a JobGraph never changes. The plan, max parallelism and job
 * configuration of the REST API come from here. Thread-safe; blocking (S3) on the first read.
 */
@Singleton
public class JobGraphs {
    @Inject
    BlobStore blobStore;

    @Inject
    S3Config s3;

    private final ConcurrentHashMap<String, JobGraph> graphs = new ConcurrentHashMap<>();

    /** The job's graph; empty when none is stored (a submission refused before it was stored). */
    public Optional<JobGraph> get(String jobId) {
        JobGraph cached = graphs.get(jobId);
        if (cached != null) {
            return Optional.of(cached);
        }
        String key = s3.haDir() + "/jobgraphs/" + jobId + ".pb";
        Optional<byte[]> bytes = blobStore.get(key);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            JobGraph graph = JobGraph.parseFrom(bytes.get());
            graphs.put(jobId, graph);
            return Optional.of(graph);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the job graph at " + blobStore.uri(key) + " does not parse: " + e.getMessage(), e);
        }
    }
}
