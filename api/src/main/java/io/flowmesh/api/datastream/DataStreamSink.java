package io.flowmesh.api.datastream;

import io.flowmesh.api.dag.SinkTransformation;

/** Returned by {@code sinkTo}: names and sizes the sink. */
public class DataStreamSink<T> {
    private final SinkTransformation<T> transformation;

    public DataStreamSink(SinkTransformation<T> transformation) {
        this.transformation = transformation;
    }

    public DataStreamSink<T> name(String name) {
        transformation.setName(name);
        return this;
    }

    public DataStreamSink<T> uid(String uid) {
        transformation.setUid(uid);
        return this;
    }

    public DataStreamSink<T> setParallelism(int parallelism) {
        transformation.setParallelism(parallelism);
        return this;
    }

    public SinkTransformation<T> getTransformation() {
        return transformation;
    }
}
