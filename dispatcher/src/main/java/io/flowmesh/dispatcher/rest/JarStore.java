package io.flowmesh.dispatcher.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.storage.ArtifactStore;
import io.flowmesh.cluster.storage.BlobStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * The jars of Flink's {@code /jars} API, kept in S3 so that every dispatcher (and a restarted one)
 * lists the same: the bytes go to the content-addressed artifact store
 * ({@code <artifacts dir>/<sha256>.jar}, shared with gRPC uploads), and each upload gets an entry
 * {@code <artifacts dir>/jars/<jar id>.json} with its name, upload time, artifact URI and entry
 * class. A jar id is Flink's {@code <uuid>_<file name>}. Deleting a jar removes its entry; the
 * content-addressed bytes stay (running jobs and other uploads may use them). Thread-safe; blocking.
 */
@Singleton
public class JarStore {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    @Inject
    BlobStore blobStore;

    @Inject
    ArtifactStore artifacts;

    @Inject
    S3Config s3;

    @Inject
    ObjectMapper json;

    /** One uploaded jar. {@code entryClass} is the manifest's {@code program-class} or {@code Main-Class}, or null. */
    public record Jar(String id, String name, long uploaded, String artifactUri, String entryClass) {}

    String dir() {
        String d = s3.artifactsDir();
        return (d.endsWith("/") ? d : d + "/") + "jars/";
    }

    /** Stores an uploaded jar file; 400 when it is not a jar (zip) file. */
    public Jar store(Path file, String fileName) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n < 4 || !java.util.Arrays.equals(head, ZIP_MAGIC)) {
            throw RestException.badRequest("Only Jar files are allowed: " + fileName + " does not start with the zip signature.");
        }
        String name = Path.of(fileName).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        ArtifactStore.StoredArtifact stored = artifacts.store(file);
        Jar jar = new Jar(UUID.randomUUID() + "_" + name, name, System.currentTimeMillis(), stored.uri(), entryClass(file));
        blobStore.put(dir() + jar.id() + ".json", json.writeValueAsBytes(jar));
        return jar;
    }

    private static String entryClass(Path file) {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(file))) {
            Manifest m = in.getManifest();
            if (m == null) {
                return null;
            }
            String program = m.getMainAttributes().getValue("program-class");
            return program != null ? program : m.getMainAttributes().getValue("Main-Class");
        } catch (IOException e) {
            return null;
        }
    }

    public Optional<Jar> get(String id) {
        if (id.contains("/") || id.contains("..")) {
            return Optional.empty();
        }
        return blobStore.get(dir() + id + ".json").map(bytes -> {
            try {
                return json.readValue(bytes, Jar.class);
            } catch (IOException e) {
                throw new IllegalStateException("jar entry " + blobStore.uri(dir() + id + ".json") + " does not parse: " + e.getMessage(), e);
            }
        });
    }

    /** Every jar, newest first. */
    public List<Jar> list() {
        List<Jar> jars = new ArrayList<>();
        for (String key : blobStore.list(dir())) {
            if (key.endsWith(".json")) {
                get(key.substring(dir().length(), key.length() - ".json".length())).ifPresent(jars::add);
            }
        }
        jars.sort(Comparator.comparingLong(Jar::uploaded).reversed());
        return jars;
    }

    /** False when there was no such jar. */
    public boolean delete(String id) {
        if (get(id).isEmpty()) {
            return false;
        }
        blobStore.delete(dir() + id + ".json");
        return true;
    }

    /** Where Flink's upload response says the jar is: the last path segment is the jar id. */
    public String location(Jar jar) {
        return blobStore.uri(dir() + jar.id());
    }
}
