package io.flowmesh.api.state;

/** Keyed state: every access reads or writes the value of the key of the record (or timer) being processed. */
public interface State {
    /** Removes the current key's value. */
    void clear();
}
