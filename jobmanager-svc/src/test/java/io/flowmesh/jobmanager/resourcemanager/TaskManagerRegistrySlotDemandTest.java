package io.flowmesh.jobmanager.resourcemanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slot demand native mode turns into TaskManager pods. */
class TaskManagerRegistrySlotDemandTest {

    @Test
    void demandCountsWaitingAndAllocatedJobsUntilTheyRelease() {
        TaskManagerRegistry registry = new TaskManagerRegistry();
        List<Integer> seen = new ArrayList<>();
        registry.onSlotDemandChanged(seen::add);

        assertThat(registry.allocate("job-a", 3)).isEmpty(); // no TaskManagers yet: still a demand
        assertThat(registry.allocate("job-a", 3)).isEmpty(); // asking again changes nothing
        registry.register("tm-1", "10.0.0.1:8091", "10.0.0.1:6121", 2);
        registry.register("tm-2", "10.0.0.2:8091", "10.0.0.2:6121", 2);
        assertThat(registry.allocate("job-a", 3)).isPresent();
        assertThat(registry.allocate("job-b", 4)).isEmpty(); // 1 slot free
        assertThat(registry.slotDemand()).isEqualTo(7);

        registry.release("job-a");
        registry.release("job-a"); // twice: no change
        registry.release("job-b");

        assertThat(seen).containsExactly(3, 7, 4, 0);
        assertThat(registry.slotDemand()).isZero();
    }

    @Test
    void aTaskManagerIsIdleWhenItHoldsNoSlot() {
        TaskManagerRegistry registry = new TaskManagerRegistry();
        registry.register("tm-1", "10.0.0.1:8091", "10.0.0.1:6121", 2);
        registry.register("tm-2", "10.0.0.2:8091", "10.0.0.2:6121", 2);

        assertThat(registry.allocate("job-a", 1)).isPresent(); // round robin by id: tm-1
        assertThat(registry.isIdle("tm-1")).isFalse();
        assertThat(registry.isIdle("tm-2")).isTrue();
        assertThat(registry.isIdle("tm-unknown")).isTrue();

        registry.release("job-a");
        assertThat(registry.isIdle("tm-1")).isTrue();
    }
}
