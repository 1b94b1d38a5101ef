package io.flowmesh.api.datastream;

import io.flowmesh.api.dag.SideOutputTransformation;
import io.flowmesh.api.dag.Transformation;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.environment.StreamExecutionEnvironment;

/** The stream an operator produces; the operator's name, uid and parallelism are set here. */
public class SingleOutputStreamOperator<T> extends DataStream<T> {

    public SingleOutputStreamOperator(StreamExecutionEnvironment environment, Transformation<T> transformation) {
        super(environment, transformation);
    }

    public SingleOutputStreamOperator<T> name(String name) {
        transformation.setName(name);
        return this;
    }

    /** A stable operator id: it maps the operator's state in savepoints across program changes. */
    public SingleOutputStreamOperator<T> uid(String uid) {
        transformation.setUid(uid);
        return this;
    }

    public SingleOutputStreamOperator<T> setParallelism(int parallelism) {
        transformation.setParallelism(parallelism);
        return this;
    }

    /** The records this operator emitted to the side output {@code tag} (ctx.output(tag, value), late window data). */
    public <X> DataStream<X> getSideOutput(OutputTag<X> tag) {
        return new DataStream<>(environment, new SideOutputTransformation<>(environment.nextId(), transformation, tag));
    }

    public SingleOutputStreamOperator<T> setMaxParallelism(int maxParallelism) {
        transformation.setMaxParallelism(maxParallelism);
        return this;
    }
}
