package io.flowmesh.taskmanager;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Flink's {@code taskmanager.numberOfTaskSlots}, under its Flink name (env: TASKMANAGER_NUMBEROFTASKSLOTS). */
@ConfigMapping(prefix = "taskmanager")
public interface SlotConfig {
    @WithName("numberOfTaskSlots")
    @WithDefault("1")
    int numberOfTaskSlots();
}
