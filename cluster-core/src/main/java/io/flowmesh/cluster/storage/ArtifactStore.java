package io.flowmesh.cluster.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** Job jars in S3 under {@code <artifacts dir>/<sha256>.jar}; content-addressed, so storing twice is harmless. */
public final class ArtifactStore {
    private final BlobStore store;
    private final String dir;

    public ArtifactStore(BlobStore store, String dir) {
        this.store = store;
        this.dir = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    public record StoredArtifact(String uri, String sha256, long size) {}

    /** Stores a local jar file, returning its URI and digest. */
    public StoredArtifact store(Path jar) throws IOException {
        String sha = sha256(jar);
        String key = dir + "/" + sha + ".jar";
        if (!store.exists(key)) {
            store.put(key, jar);
        }
        return new StoredArtifact(store.uri(key), sha, Files.size(jar));
    }

    /** The key of an artifact URI of this store, or empty. */
    public Optional<String> keyOf(String uri) {
        return store.keyOf(uri);
    }

    public boolean exists(String uri) {
        return keyOf(uri).map(store::exists).orElse(false);
    }

    /**
     * The artifact as a local file in {@code cacheDir}, downloading it the first time. The cached
     * file's name is derived from the object's key and entity tag, then its file name: two jars with
     * the same file name under different keys, or a jar overwritten in S3, are never mistaken for
     * each other. Costs one HEAD request per call. Safe for concurrent calls (downloads are atomic
     * renames).
     *
     * @throws java.io.FileNotFoundException when the URI names no stored artifact
     */
    public Path fetch(String uri, Path cacheDir) throws IOException {
        String key = keyOf(uri).orElseThrow(() -> new java.io.FileNotFoundException("not an artifact URI of bucket " + store.bucket() + ": " + uri));
        String etag = store.etag(key).orElseThrow(() -> new java.io.FileNotFoundException("no artifact at " + uri));
        Files.createDirectories(cacheDir);
        String version = sha256(key + "\n" + etag).substring(0, 16);
        Path local = cacheDir.resolve(version + "-" + key.substring(key.lastIndexOf('/') + 1));
        if (Files.exists(local)) {
            return local;
        }
        if (!store.download(key, local)) {
            throw new java.io.FileNotFoundException("no artifact at " + uri);
        }
        return local;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
