package io.flowmesh.engine.checkpoint;

/**
 * One part of a keyed operator's state that checkpoints must carry — a state table, the timers, a
 * window operator's contents — as entries of (key, fields). A snapshot asks it for all its
 * entries; a restore hands it back the entries whose key falls in the restoring subtask's key
 * groups, in any order. Task thread only.
 */
public interface KeyedStateComponent {
    /** Receives the entries of a snapshot. */
    interface EntryWriter {
        void entry(Object key, Object... fields);
    }

    /** Writes every entry of the current state; the snapshot must be a consistent copy by the time this returns. */
    void snapshot(EntryWriter out);

    /** Takes back one entry written by {@link #snapshot}. */
    void restore(Object key, Object[] fields);
}
