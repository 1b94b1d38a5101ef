package io.flowmesh.cluster.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.cluster.config.FixedS3Config;
import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArtifactStore} and {@link S3BlobStore} against the local cluster's S3 server (started as
 * {@code flowmesh local up} starts it, without services): a jar is fetched by what is stored under
 * its key now, never by its file name alone; a prefix is deleted in multi-object deletes.
 */
class ArtifactStoreIT {
    @TempDir
    static Path runDir;
    private static final List<Long> pids = new ArrayList<>();
    private static S3BlobStore blobs;
    private static ArtifactStore artifacts;

    @BeforeAll
    static void up() throws Exception {
        Path home = Path.of(System.getProperty("flowmesh.home", "..")).toAbsolutePath().normalize();
        LocalClusterState state;
        try {
            state = LocalCluster.up(LocalClusterOptions.defaults(home).withRunDir(runDir).withStartServices(false).withFreePorts(),
                    System.out);
        } finally {
            LocalClusterState.read(runDir).ifPresent(s -> s.processes().forEach(p -> pids.add(p.pid())));
        }
        blobs = new S3BlobStore(FixedS3Config.forServer(state.s3Endpoint(), state.s3AccessKey(), state.s3SecretKey(), state.bucket()));
        artifacts = new ArtifactStore(blobs, "artifacts");
    }

    @AfterAll
    static void down() {
        if (blobs != null) {
            blobs.close();
        }
        LocalCluster.down(runDir, System.out);
        for (long pid : pids) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void deletingAPrefixRemovesExactlyItsObjectsInSeveralMultiObjectDeletes() {
        for (String key : List.of("chk-1/_metadata", "chk-1/a-0-0", "chk-1/a-1-0", "chk-1/b-0-0", "chk-1/b-1-0", "chk-10/_metadata", "chk-1.notes")) {
            blobs.put("deletes/" + key, key.getBytes(StandardCharsets.UTF_8));
        }

        // two keys per request: the five objects under chk-1/ take three DeleteObjects requests
        assertThat(blobs.deletePrefix("deletes/chk-1/", 2)).isEqualTo(5);

        assertThat(blobs.list("deletes/")).containsExactly("deletes/chk-1.notes", "deletes/chk-10/_metadata");
        assertThat(blobs.deletePrefix("deletes/chk-1/")).isZero();
        assertThat(blobs.deletePrefix("deletes/")).isEqualTo(2);
        assertThat(blobs.list("deletes/")).isEmpty();
    }

    @Test
    void twoJarsWithTheSameFileNameUnderDifferentKeysAreNotMistakenForEachOther(@TempDir Path cache) throws Exception {
        blobs.put("team-a/job.jar", "jar of team a".getBytes(StandardCharsets.UTF_8));
        blobs.put("team-b/job.jar", "jar of team b".getBytes(StandardCharsets.UTF_8));

        Path a = artifacts.fetch(blobs.uri("team-a/job.jar"), cache);
        Path b = artifacts.fetch(blobs.uri("team-b/job.jar"), cache);

        assertThat(Files.readString(a)).isEqualTo("jar of team a");
        assertThat(Files.readString(b)).isEqualTo("jar of team b");
        assertThat(a.getFileName().toString()).endsWith("-job.jar");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aJarOverwrittenInS3IsFetchedAgainAndTheSameVersionComesFromTheCache(@TempDir Path cache) throws Exception {
        blobs.put("jobs/pipeline.jar", "version 1".getBytes(StandardCharsets.UTF_8));
        Path first = artifacts.fetch(blobs.uri("jobs/pipeline.jar"), cache);
        assertThat(Files.readString(first)).isEqualTo("version 1");
        // the cache answers for an unchanged object: a marker written into the cached file survives the second fetch
        Files.writeString(first, "version 1 (cached)");
        assertThat(Files.readString(artifacts.fetch(blobs.uri("jobs/pipeline.jar"), cache))).isEqualTo("version 1 (cached)");

        blobs.put("jobs/pipeline.jar", "version 2".getBytes(StandardCharsets.UTF_8));
        Path second = artifacts.fetch(blobs.uri("jobs/pipeline.jar"), cache);

        assertThat(Files.readString(second)).isEqualTo("version 2");
        assertThat(Files.readString(first)).as("the first version's file is left for whoever loaded it").isEqualTo("version 1 (cached)");
    }

    @Test
    void storedJarsAreContentAddressedAndAMissingOneIsNamed(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("local.jar"), "some classes");
        ArtifactStore.StoredArtifact stored = artifacts.store(jar);
        // printf 'some classes' | sha256sum
        String sha = "444185a50ca170c808b8eed8e69c847b1856a043ca78658f705a0ce29fddd1e7";
        assertThat(stored.sha256()).isEqualTo(sha);
        assertThat(stored.uri()).isEqualTo("s3://" + blobs.bucket() + "/artifacts/" + sha + ".jar");
        assertThat(stored.size()).isEqualTo(12);
        assertThat(Files.readString(artifacts.fetch(stored.uri(), dir.resolve("cache")))).isEqualTo("some classes");

        String missing = blobs.uri("nowhere/none.jar");
        assertThatThrownBy(() -> artifacts.fetch(missing, dir.resolve("cache"))).isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(missing);
    }
}
