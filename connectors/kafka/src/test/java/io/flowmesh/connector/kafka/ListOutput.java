package io.flowmesh.connector.kafka;

import io.flowmesh.api.source.ReaderOutput;
import java.util.ArrayList;
import java.util.List;

/** A reader output that keeps what it is given, with the timestamps (-1 for none), and which split outputs were opened and released. */
final class ListOutput<T> implements ReaderOutput<T> {
    final List<T> records = new ArrayList<>();
    final List<Long> timestamps = new ArrayList<>();
    final java.util.Set<String> openedSplits = new java.util.TreeSet<>();
    final java.util.Set<String> releasedSplits = new java.util.TreeSet<>();

    @Override
    public ReaderOutput<T> createOutputForSplit(String splitId) {
        openedSplits.add(splitId);
        return this;
    }

    @Override
    public void releaseOutputForSplit(String splitId) {
        releasedSplits.add(splitId);
    }

    @Override
    public void collect(T record) {
        collect(record, -1);
    }

    @Override
    public void collect(T record, long timestamp) {
        records.add(record);
        timestamps.add(timestamp);
    }

    int size() {
        return records.size();
    }
}
