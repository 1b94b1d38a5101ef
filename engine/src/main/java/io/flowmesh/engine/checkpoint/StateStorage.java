package io.flowmesh.engine.checkpoint;

import java.io.IOException;

/**
 * Where subtasks write their state files and read them back on a restore: S3 on a TaskManager.
 * URIs are those of the checkpoint protocol ({@code s3://bucket/.../chk-<n>/<file>}).
 * {@link #write} may be called from upload threads; implementations are thread-safe.
 */
public interface StateStorage {
    void write(String uri, byte[] bytes) throws IOException;

    /** @throws IOException naming the URI when it cannot be read or does not exist */
    byte[] read(String uri) throws IOException;
}
