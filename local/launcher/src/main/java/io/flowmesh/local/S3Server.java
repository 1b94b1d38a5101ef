package io.flowmesh.local;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local S3 server: s3proxy with its filesystem backend, from the class path that
 * {@code local/s3-server} lays out in its {@code target/lib}.
 *
 * <p>Its files live in {@code <runDir>/s3}: {@code s3proxy.properties} and {@code data/} (one
 * directory per bucket). Requests must be signed (AWS signature v2 or v4) with identity
 * {@value #ACCESS_KEY} and credential {@value #SECRET_KEY}. It is ready when it answers HTTP (403
 * to an anonymous GET). {@link #createBucket} makes the bucket with one v2-signed PUT, so the
 * launcher needs no S3 SDK.
 */
final class S3Server {

    static final String ACCESS_KEY = "flowmesh";
    static final String SECRET_KEY = "flowmesh-secret";
    static final String BUCKET = "flowmesh";
    static final List<String> JVM_OPTIONS = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private S3Server() {
    }

    static Path libDir(Path home) {
        return home.resolve("local/s3-server/target/lib");
    }

    static Path dir(Path runDir) {
        return runDir.resolve("s3");
    }

    static Path configFile(Path runDir) {
        return dir(runDir).resolve("s3proxy.properties");
    }

    static void writeConfig(LocalClusterOptions o) throws IOException {
        Path runDir = o.runDir();
        Files.createDirectories(dir(runDir).resolve("data"));
        String config = String.join("\n",
                "# Written by the Flowmesh local launcher for each start; edits are lost.",
                "s3proxy.endpoint=http://127.0.0.1:" + o.s3Port(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir(runDir).resolve("data"),
                "");
        Files.writeString(configFile(runDir), config, StandardCharsets.UTF_8);
    }

    static List<String> serverCommand(String java, Path home, Path runDir) {
        return KafkaBroker.concat(java, JVM_OPTIONS, List.of(Processes.marker(runDir),
                "-cp", libDir(home) + "/*", "org.gaul.s3proxy.Main", "--properties", configFile(runDir).toString()));
    }

    /**
     * Creates {@code bucket} at {@code endpoint}; returns the HTTP status (200 created, 409 it
     * exists already).
     */
    static int createBucket(String endpoint, String bucket) throws IOException {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        String contentType = "application/octet-stream";
        String stringToSign = "PUT\n\n" + contentType + "\n" + date + "\n/" + bucket;
        String signature;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(SECRET_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            signature = Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign the request", e);
        }
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/" + bucket).toURL().openConnection();
        c.setRequestMethod("PUT");
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        c.setRequestProperty("Date", date);
        c.setRequestProperty("Content-Type", contentType);
        c.setRequestProperty("Authorization", "AWS " + ACCESS_KEY + ":" + signature);
        c.setFixedLengthStreamingMode(0);
        c.setDoOutput(true);
        c.getOutputStream().close();
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }
}
