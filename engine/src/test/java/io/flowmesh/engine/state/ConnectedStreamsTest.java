package io.flowmesh.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.CoMapFunction;
import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.KeyedCoProcessFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.state.ListState;
import io.flowmesh.api.state.ListStateDescriptor;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.local.LocalExecutor;
import io.flowmesh.engine.testing.CollectSink;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectedStreamsTest implements Serializable {

    private static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor(), Map.of());
        return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    }

    @Test
    void coMapReadsBothInputsWithTheirOwnFunction() throws Exception {
        CollectSink<String> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(2);
        env.fromSequence(0, 99).connect(env.fromSequence(0, 49).map(i -> "s" + i))
                .map(new CoMapFunction<Long, String, String>() {
                    @Override
                    public String map1(Long value) {
                        return "long " + value;
                    }

                    @Override
                    public String map2(String value) {
                        return "string " + value;
                    }
                }).setParallelism(3)
                .sinkTo(sink);
        env.execute("co-map");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("long " + i);
        }
        for (int i = 0; i < 50; i++) {
            expected.add("string s" + i);
        }
        assertThat(sink.results()).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** Joins orders (userId, amount) with users (userId, name): emits "name:amount" once both are known, whatever the order. */
    static final class EnrichOrders extends KeyedCoProcessFunction<Long, Tuple2<Long, Long>, Tuple2<Long, String>, String> {
        private transient ValueState<String> name;
        private transient ListState<Long> pending;

        @Override
        public void open(RuntimeContext context) throws Exception {
            super.open(context);
            name = context.getState(new ValueStateDescriptor<>("name"));
            pending = context.getListState(new ListStateDescriptor<>("pending"));
        }

        @Override
        public void processElement1(Tuple2<Long, Long> order, Context ctx, Collector<String> out) {
            if (name.value() != null) {
                out.collect(name.value() + ":" + order.f1);
            } else {
                pending.add(order.f1);
            }
        }

        @Override
        public void processElement2(Tuple2<Long, String> user, Context ctx, Collector<String> out) {
            name.update(user.f1);
            for (Long amount : pending.get()) {
                out.collect(user.f1 + ":" + amount);
            }
            pending.clear();
        }
    }

    @Test
    void keyedCoProcessJoinsTwoStreamsThroughSharedKeyedState() throws Exception {
        CollectSink<String> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(2);
        var orders = env.fromSequence(0, 9_999).map(i -> Tuple2.of(i % 100, i));
        var users = env.fromSequence(0, 99).map(u -> Tuple2.of(u, "user" + u));
        orders.connect(users).keyBy(o -> o.f0, u -> u.f0).process(new EnrichOrders()).setParallelism(3).sinkTo(sink);
        env.execute("join");
        List<String> expected = new ArrayList<>();
        for (long i = 0; i < 10_000; i++) {
            expected.add("user" + (i % 100) + ":" + i);
        }
        assertThat(sink.results()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aKeyedCoProcessFunctionWithoutKeyByIsRefused() {
        StreamExecutionEnvironment env = env(1);
        assertThatThrownBy(() -> env.fromSequence(0, 1).connect(env.fromSequence(0, 1).map(i -> Tuple2.of(i, "x")))
                .process(new KeyedCoProcessFunction<Long, Long, Tuple2<Long, String>, String>() {
                    @Override
                    public void processElement1(Long value, Context ctx, Collector<String> out) {}

                    @Override
                    public void processElement2(Tuple2<Long, String> value, Context ctx, Collector<String> out) {}
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("call connect(...).keyBy(key1, key2) first");
    }
}
