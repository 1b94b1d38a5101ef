package io.flowmesh.engine.testing;

import io.flowmesh.engine.checkpoint.StateStorage;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** State files in memory, for tests of snapshots and restores without S3. */
public final class MemoryStateStorage implements StateStorage {
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public void write(String uri, byte[] bytes) {
        files.put(uri, bytes.clone());
    }

    @Override
    public byte[] read(String uri) throws IOException {
        byte[] b = files.get(uri);
        if (b == null) {
            throw new IOException("no state file " + uri);
        }
        return b;
    }

    public int size() {
        return files.size();
    }
}
