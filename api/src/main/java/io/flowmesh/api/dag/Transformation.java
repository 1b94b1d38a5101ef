package io.flowmesh.api.dag;

import java.util.List;

/**
 * One node of the pipeline a program builds: what {@code DataStream} calls record, and what the
 * dispatcher translates into a JobGraph. Users do not implement transformations; they are public so
 * that the runtime, which lives in other modules, can read them.
 *
 * <p>Parallelism and max parallelism are {@code -1} until set; the translator then takes the
 * environment's defaults.
 */
public abstract sealed class Transformation<T>
        permits SourceTransformation, OneInputTransformation, TwoInputTransformation, PartitionTransformation, SinkTransformation,
        SideOutputTransformation,
        UnionTransformation {

    private final int id;
    private String name;
    private String uid;
    private int parallelism = -1;
    private int maxParallelism = -1;

    protected Transformation(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /** Unique within one pipeline, in creation order. */
    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an operator name must not be blank");
        }
        this.name = name;
    }

    /** The user-assigned stable id, or null: then the runtime derives one from the graph position. */
    public String uid() {
        return uid;
    }

    public void setUid(String uid) {
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("uid must not be blank (operator '" + name + "')");
        }
        this.uid = uid;
    }

    public int parallelism() {
        return parallelism;
    }

    public void setParallelism(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism of operator '" + name + "' must be at least 1, was " + parallelism);
        }
        this.parallelism = parallelism;
    }

    public int maxParallelism() {
        return maxParallelism;
    }

    public void setMaxParallelism(int maxParallelism) {
        if (maxParallelism < 1 || maxParallelism > (1 << 15)) {
            throw new IllegalArgumentException("max parallelism of operator '" + name + "' must be in [1, 32768], was " + maxParallelism);
        }
        this.maxParallelism = maxParallelism;
    }

    public abstract List<Transformation<?>> inputs();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{id=" + id + ", name='" + name + "'}";
    }
}
