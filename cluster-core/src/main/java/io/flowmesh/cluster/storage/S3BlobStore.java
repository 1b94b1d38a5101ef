package io.flowmesh.cluster.storage;

import io.flowmesh.cluster.config.S3Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link BlobStore} on S3 or an S3-protocol server (path-style access, checksums only when required). */
public final class S3BlobStore implements BlobStore {
    /** S3's limit of keys in one DeleteObjects request. */
    static final int MAX_KEYS_PER_DELETE = 1000;

    private final S3Client s3;
    private final String bucket;
    private final String endpoint;

    public S3BlobStore(S3Config config) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(true)
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(30)))
                // one connection per request: the URL-connection client reuses kept-alive connections
                // that the server may have closed, and a PUT on one failed "Error writing request body to
                // server" — on every retry when several were stale (declined checkpoints under load)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(60)).putHeader("Connection", "close"));
        config.endpoint().ifPresent(e -> b.endpointOverride(URI.create(e)));
        if (config.accessKey().isPresent()) {
            b.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKey().get(), config.secretKey().orElse(""))));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        this.s3 = b.build();
        this.bucket = config.bucket();
        this.endpoint = config.endpoint().orElse("Amazon S3");
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** Creates the bucket if it does not exist yet. */
    public void createBucketIfMissing() {
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (NoSuchBucketException e) {
            createBucket();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                createBucket();
            } else {
                throw failure("cannot access bucket", "", e);
            }
        } catch (SdkException e) {
            throw failure("cannot reach", "", e);
        }
    }

    private void createBucket() {
        try {
            s3.createBucket(r -> r.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 409) { // another service created it in the meantime
                throw failure("cannot create bucket", "", e);
            }
        }
    }

    @Override
    public void put(String key, byte[] data) {
        try {
            s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(data));
        } catch (SdkException e) {
            throw failure("cannot write", key, e);
        }
    }

    @Override
    public void put(String key, Path file) {
        try {
            s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw failure("cannot write", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("cannot read", key, e);
        }
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        try {
            var bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key));
            return Optional.of(new Versioned(bytes.asByteArray(), bytes.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("cannot read", key, e);
        }
    }

    @Override
    public boolean putIfMatch(String key, byte[] data, String etag) {
        try {
            s3.putObject(r -> {
                r.bucket(bucket).key(key);
                if (etag == null) {
                    r.ifNoneMatch("*");
                } else {
                    r.ifMatch(etag);
                }
            }, RequestBody.fromBytes(data));
            return true;
        } catch (S3Exception e) {
            // 412 Precondition Failed; 409 ConditionalRequestConflict (a concurrent conditional write); 404 for If-Match on a deleted object
            if (e.statusCode() == 412 || e.statusCode() == 409 || (etag != null && e.statusCode() == 404)) {
                // the SDK retries a request whose answer got lost: then the first attempt may have written
                // and the retry failed on its own write. What is there now tells (callers write unique bytes).
                return getVersioned(key).map(v -> java.util.Arrays.equals(v.data(), data)).orElse(false);
            }
            throw failure("cannot write", key, e);
        } catch (SdkException e) {
            throw failure("cannot write", key, e);
        }
    }

    @Override
    public boolean download(String key, Path target) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key))) {
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (SdkException e) {
            throw failure("cannot read", key, e);
        } catch (java.io.IOException e) {
            throw new StorageException("cannot write " + target + " while downloading " + uri(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String key) {
        return etag(key).isPresent();
    }

    @Override
    public Optional<String> etag(String key) {
        try {
            String etag = s3.headObject(r -> r.bucket(bucket).key(key)).eTag();
            return Optional.of(etag == null ? "" : etag);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("cannot read", key, e);
        } catch (SdkException e) {
            throw failure("cannot read", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        try {
            List<String> keys = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().forEach(o -> keys.add(o.key()));
            return keys;
        } catch (SdkException e) {
            throw failure("cannot list", prefix, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException e) {
            throw failure("cannot delete", key, e);
        }
    }

    /**
     * Lists the prefix, then deletes what it found with multi-object deletes (S3's DeleteObjects, up
     * to {@value #MAX_KEYS_PER_DELETE} keys per request): discarding a checkpoint costs two
     * requests instead of one per file.
     */
    @Override
    public int deletePrefix(String prefix) {
        return deletePrefix(prefix, MAX_KEYS_PER_DELETE);
    }

    int deletePrefix(String prefix, int keysPerRequest) {
        List<String> keys = list(prefix);
        for (int from = 0; from < keys.size(); from += keysPerRequest) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + keysPerRequest)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse response;
            try {
                response = s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            } catch (SdkException e) {
                throw failure("cannot delete under", prefix, e);
            }
            // quiet mode answers only the keys that could not be deleted; one already gone is not an error
            for (S3Error error : response.errors()) {
                if (!"NoSuchKey".equals(error.code())) {
                    throw new StorageException("cannot delete " + uri(error.key()) + " at " + endpoint + ": " + error.code() + " " + error.message(),
                            null);
                }
            }
        }
        return keys.size();
    }

    @Override
    public void checkReachable() {
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (SdkException e) {
            throw failure("cannot reach", "", e);
        }
    }

    private StorageException failure(String what, String key, SdkException e) {
        return new StorageException(what + " " + uri(key) + " at " + endpoint + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
    }
}
