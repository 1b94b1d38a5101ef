package io.flowmesh.engine.graph;

import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.KeySelector;
import java.io.Serializable;

/**
 * One operator of a chain as it travels to the TaskManagers: its stable id, its name, what it does
 * and the user function that does it.
 *
 * @param function the user's {@code Source}, {@code MapFunction}, ..., {@code Sink}; for windows a {@code WindowSpec}
 * @param stateKeySelector for keyed operators, the key selector of the keyed input (of input 1 for two-input ones); else null
 * @param stateKeySelector2 for keyed two-input operators, the key selector of input 2; else null
 * @param watermarkStrategy for sources, the strategy given to {@code fromSource}; else null
 */
public record OperatorSpec(String operatorId, String name, Kind kind, Function function, KeySelector<?, ?> stateKeySelector,
        KeySelector<?, ?> stateKeySelector2, WatermarkStrategy<?> watermarkStrategy) implements Serializable {

    /** The operator implementations the runtime knows. */
    public enum Kind {
        SOURCE, MAP, FILTER, FLAT_MAP, KEYED_REDUCE, PROCESS, KEYED_PROCESS, WINDOW, TIMESTAMPS_AND_WATERMARKS, SINK,
        CO_MAP, CO_FLAT_MAP, CO_PROCESS, KEYED_CO_PROCESS;

        public boolean isTwoInput() {
            return this == CO_MAP || this == CO_FLAT_MAP || this == CO_PROCESS || this == KEYED_CO_PROCESS;
        }
    }
}
