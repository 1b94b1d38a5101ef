package io.flowmesh.cluster.ha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.ha.testing.RecordingContender;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.cluster.storage.S3BlobStore;
import io.flowmesh.cluster.storage.StorageException;
import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The S3 lease against a real s3proxy: conditional writes are honoured (the premise), then
 * election, renewal, hand-over on release, and loss when the leader cannot reach S3 past its
 * renew deadline while a standby takes the lease over with a higher epoch.
 */
class S3LeaderElectionIT {
    private static final HighAvailabilityOptions FAST = new HighAvailabilityOptions(HighAvailabilityOptions.Type.S3, Optional.empty(), "it",
            Duration.ofMillis(1500), Duration.ofMillis(1500), Duration.ofMillis(200), "default");

    private static Path runDir;
    private static LocalClusterState cluster;
    private static S3BlobStore store;

    @BeforeAll
    static void start() throws Exception {
        runDir = Files.createTempDirectory("s3-leader-election-it");
        Path home = Path.of(System.getProperty("flowmesh.home", "..")).toAbsolutePath().normalize();
        try {
            cluster = LocalCluster.up(LocalClusterOptions.defaults(home).withRunDir(runDir).withStartServices(false).withFreePorts(), System.out);
        } catch (Throwable e) {
            stop();
            throw e;
        }
        LocalClusterState c = cluster;
        store = new S3BlobStore(new S3Config() {
            public Optional<String> endpoint() { return Optional.of(c.s3Endpoint()); }
            public String region() { return "us-east-1"; }
            public Optional<String> accessKey() { return Optional.of(c.s3AccessKey()); }
            public Optional<String> secretKey() { return Optional.of(c.s3SecretKey()); }
            public String bucket() { return c.bucket(); }
            public boolean createBucket() { return true; }
            public String artifactsDir() { return "artifacts"; }
            public String haDir() { return "ha"; }
        });
        store.createBucketIfMissing();
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        List<Long> pids = new ArrayList<>();
        LocalClusterState.read(runDir).ifPresent(s -> s.processes().forEach(p -> pids.add(p.pid())));
        LocalCluster.down(runDir, System.out);
        for (long pid : pids) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void s3ProxyHonoursConditionalWrites() {
        String key = "cas/object";
        assertThat(store.putIfMatch(key, "a".getBytes(UTF_8), null)).isTrue();
        assertThat(store.putIfMatch(key, "b".getBytes(UTF_8), null)).as("If-None-Match: * on an existing object").isFalse();
        BlobStore.Versioned v = store.getVersioned(key).orElseThrow();
        assertThat(new String(v.data(), UTF_8)).isEqualTo("a");
        assertThat(store.putIfMatch(key, "c".getBytes(UTF_8), "\"0123456789abcdef0123456789abcdef\"")).as("If-Match with a stale tag").isFalse();
        assertThat(store.putIfMatch(key, "d".getBytes(UTF_8), v.etag())).isTrue();
        assertThat(store.putIfMatch(key, "e".getBytes(UTF_8), v.etag())).as("the same tag twice").isFalse();
        assertThat(new String(store.get(key).orElseThrow(), UTF_8)).isEqualTo("d");
    }

    @Test
    void electsOneLeaderRenewsAndHandsOverOnRelease() throws Exception {
        String prefix = "ha-release/";
        LeaderRetrieval retrieval = S3LeaderElection.retrieval(store, prefix, "jobmanager");
        assertThat(retrieval.currentLeader()).isEmpty();
        RecordingContender a = new RecordingContender();
        RecordingContender b = new RecordingContender();
        S3LeaderElection first = new S3LeaderElection(store, prefix, "jobmanager", "host-a:1", FAST);
        S3LeaderElection second = new S3LeaderElection(store, prefix, "jobmanager", "host-b:2", FAST);
        try {
            first.start(a);
            assertThat(a.next()).isEqualTo("grant 1");
            second.start(b);
            assertThat(retrieval.currentLeader()).contains(new LeaderInformation(1, "host-a:1"));
            // renewals keep the lease: for three lease durations the standby gets nothing
            long renewsBefore = renewCount(prefix);
            assertThat(b.poll(3 * FAST.leaseDuration().toMillis())).isNull();
            assertThat(renewCount(prefix)).isGreaterThan(renewsBefore + 5);
            assertThat(first.hasLeadership(1)).isTrue();
            assertThat(first.hasLeadership(2)).isFalse();
            assertThat(second.hasLeadership(1)).isFalse();

            first.close(); // releases the lease
            assertThat(a.next()).isEqualTo("revoke");
            assertThat(first.hasLeadership(1)).isFalse();
            long t0 = System.nanoTime();
            assertThat(b.next()).isEqualTo("grant 2");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("a released lease is taken without waiting for it to expire")
                    .isLessThan(FAST.leaseDuration());
            assertThat(second.hasLeadership(2)).isTrue();
            assertThat(retrieval.currentLeader()).contains(new LeaderInformation(2, "host-b:2"));
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aLeaderCutOffFromS3StopsLeadingBeforeTheStandbyTakesOver() throws Exception {
        String prefix = "ha-partition/";
        Partitionable cutOff = new Partitionable(store);
        RecordingContender a = new RecordingContender();
        RecordingContender b = new RecordingContender();
        S3LeaderElection first = new S3LeaderElection(cutOff, prefix, "jobmanager", "host-a:1", FAST);
        S3LeaderElection second = new S3LeaderElection(store, prefix, "jobmanager", "host-b:2", FAST);
        try {
            first.start(a);
            assertThat(a.next()).isEqualTo("grant 1");
            second.start(b);
            cutOff.partitioned = true;
            long cut = System.nanoTime();
            assertThat(a.next()).isEqualTo("revoke");
            long revokedAfter = System.nanoTime() - cut;
            assertThat(first.hasLeadership(1)).isFalse();
            assertThat(b.next()).isEqualTo("grant 2");
            long grantedAfter = System.nanoTime() - cut;
            assertThat(revokedAfter).as("the old leader stops before the new one starts").isLessThan(grantedAfter);
            assertThat(Duration.ofNanos(grantedAfter)).isGreaterThanOrEqualTo(FAST.leaseDuration().minus(FAST.retryPeriod()));
            assertThat(second.hasLeadership(2)).isTrue();
            // back online, the old leader sees the new holder and stays a standby
            cutOff.partitioned = false;
            assertThat(a.poll(3 * FAST.retryPeriod().toMillis())).isNull();
            assertThat(S3LeaderElection.retrieval(store, prefix, "jobmanager").currentLeader()).contains(new LeaderInformation(2, "host-b:2"));
        } finally {
            first.close();
            second.close();
        }
    }

    private static long renewCount(String prefix) {
        return S3LeaderElection.parse(store.get(S3LeaderElection.leaseKey(prefix, "jobmanager")).orElseThrow()).renewCount();
    }

    /** The real store behind a switch that makes every call fail as an unreachable S3 does. */
    private static final class Partitionable implements BlobStore {
        private final BlobStore real;
        volatile boolean partitioned;

        Partitionable(BlobStore real) {
            this.real = real;
        }

        private void check() {
            if (partitioned) {
                throw new StorageException("S3 unreachable (partitioned by the test)", null);
            }
        }

        public String bucket() { return real.bucket(); }
        public void put(String key, byte[] data) { check(); real.put(key, data); }
        public void put(String key, Path file) { check(); real.put(key, file); }
        public Optional<byte[]> get(String key) { check(); return real.get(key); }
        public boolean download(String key, Path target) { check(); return real.download(key, target); }
        public boolean exists(String key) { check(); return real.exists(key); }
        public Optional<String> etag(String key) { check(); return real.etag(key); }
        public List<String> list(String prefix) { check(); return real.list(prefix); }
        public void delete(String key) { check(); real.delete(key); }
        public Optional<Versioned> getVersioned(String key) { check(); return real.getVersioned(key); }
        public boolean putIfMatch(String key, byte[] data, String etag) { check(); return real.putIfMatch(key, data, etag); }
        public void checkReachable() { check(); }
        public void close() {}
    }
}
