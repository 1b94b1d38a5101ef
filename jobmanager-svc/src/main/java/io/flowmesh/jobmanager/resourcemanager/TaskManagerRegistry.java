package io.flowmesh.jobmanager.resourcemanager;

import io.flowmesh.jobmanager.JobManagerConfig;
import io.flowmesh.proto.TaskManagerInfo;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * The registered TaskManagers and their slots. TaskManagers register and heartbeat over gRPC; one
 * that misses heartbeats for the configured timeout is removed and the listeners are told, so the
 * scheduler can fail the subtasks it ran. Slots are allocated with slot sharing: a job takes as many
 * slots as its largest vertex parallelism, and subtask {@code i} of every vertex runs in slot {@code i}.
 * All methods are synchronized; allocation is rare (once per job start).
 */
@Singleton
public class TaskManagerRegistry {
    private static final Logger LOG = Logger.getLogger(TaskManagerRegistry.class);

    /** A registered TaskManager. */
    public static final class Entry {
        public final String id;
        public final String rpcAddress;
        public final String dataAddress;
        public final int slots;
        int allocated;
        volatile long lastHeartbeat;

        Entry(String id, String rpcAddress, String dataAddress, int slots) {
            this.id = id;
            this.rpcAddress = rpcAddress;
            this.dataAddress = dataAddress;
            this.slots = slots;
            this.lastHeartbeat = System.currentTimeMillis();
        }
    }

    /** A job's slots: the TaskManager of slot i. */
    public record SlotAllocation(String jobId, List<Entry> slots) {}

    @Inject
    JobManagerConfig config;

    private final Map<String, Entry> taskManagers = new LinkedHashMap<>();
    private final Map<String, SlotAllocation> allocations = new LinkedHashMap<>();
    private final List<Consumer<Entry>> lostListeners = new ArrayList<>();
    /** Slots each job asked for (allocated or still waiting), until it releases them. */
    private final Map<String, Integer> slotDemand = new LinkedHashMap<>();
    private final List<IntConsumer> demandListeners = new ArrayList<>();

    public synchronized void register(String id, String rpcAddress, String dataAddress, int slots) {
        Entry previous = taskManagers.get(id);
        if (previous != null && previous.allocated > 0) {
            // the same id registering again means the process restarted: what ran on it is gone
            markLost(previous, "TaskManager " + id + " re-registered (it restarted)");
        }
        taskManagers.put(id, new Entry(id, rpcAddress, dataAddress, slots));
        LOG.infof("TaskManager %s registered (%d slots, rpc %s, data %s)", id, slots, rpcAddress, dataAddress);
    }

    /** @return false when the TaskManager is not registered (it must register again) */
    public synchronized boolean heartbeat(String id) {
        Entry e = taskManagers.get(id);
        if (e == null) {
            return false;
        }
        e.lastHeartbeat = System.currentTimeMillis();
        return true;
    }

    public synchronized void onTaskManagerLost(Consumer<Entry> listener) {
        lostListeners.add(listener);
    }

    /** Whether this TaskManager is still registered (not lost, not replaced by a re-registration). */
    public synchronized boolean isRegistered(Entry e) {
        return taskManagers.get(e.id) == e;
    }

    public synchronized Optional<Entry> get(String id) {
        return Optional.ofNullable(taskManagers.get(id));
    }

    /** Removes TaskManagers whose last heartbeat is older than the timeout; called periodically. */
    public void checkHeartbeats() {
        List<Entry> lost = new ArrayList<>();
        synchronized (this) {
            long deadline = System.currentTimeMillis() - config.heartbeatTimeout().toMillis();
            for (Entry e : taskManagers.values()) {
                if (e.lastHeartbeat < deadline) {
                    lost.add(e);
                }
            }
            lost.forEach(e -> taskManagers.remove(e.id));
        }
        for (Entry e : lost) {
            markLost(e, "TaskManager " + e.id + " lost: no heartbeat for " + config.heartbeatTimeout().toMillis() + " ms");
        }
    }

    /**
     * The TaskManager refused a connection (its process is gone): removes it now instead of after
     * the heartbeat timeout, and tells the listeners. If it is alive after all, its next heartbeat
     * is answered {@code known=false} and it registers again. Does nothing when {@code e} is no
     * longer the registered entry.
     */
    public void unreachable(Entry e, String reason) {
        synchronized (this) {
            if (taskManagers.get(e.id) != e) {
                return;
            }
            taskManagers.remove(e.id);
        }
        markLost(e, "TaskManager " + e.id + " lost: " + reason);
    }

    private void markLost(Entry e, String reason) {
        LOG.warn(reason);
        List<Consumer<Entry>> listeners;
        synchronized (this) {
            listeners = List.copyOf(lostListeners);
        }
        listeners.forEach(l -> l.accept(e));
    }

    /**
     * Takes {@code count} free slots, spread round robin over the TaskManagers (ordered by id), or
     * empty when fewer are free.
     */
    public synchronized Optional<SlotAllocation> allocate(String jobId, int count) {
        Integer previousDemand = slotDemand.put(jobId, count);
        if (previousDemand == null || previousDemand != count) {
            demandChanged();
        }
        List<Entry> tms = new ArrayList<>(taskManagers.values());
        tms.sort(Comparator.comparing(e -> e.id));
        int free = tms.stream().mapToInt(e -> e.slots - e.allocated).sum();
        if (free < count) {
            return Optional.empty();
        }
        List<Entry> slots = new ArrayList<>();
        while (slots.size() < count) {
            for (Entry e : tms) {
                if (slots.size() < count && e.allocated < e.slots) {
                    e.allocated++;
                    slots.add(e);
                }
            }
        }
        SlotAllocation a = new SlotAllocation(jobId, List.copyOf(slots));
        allocations.put(jobId, a);
        return Optional.of(a);
    }

    public synchronized void release(String jobId) {
        if (slotDemand.remove(jobId) != null) {
            demandChanged();
        }
        SlotAllocation a = allocations.remove(jobId);
        if (a != null) {
            for (Entry e : a.slots()) {
                Entry current = taskManagers.get(e.id);
                if (current == e) {
                    e.allocated--;
                }
            }
        }
    }

    /**
     * Tells {@code listener} the total slots the jobs ask for (allocated or waiting for TaskManagers)
     * each time it changes: a job asking for slots ({@link #allocate}, also when too few are free)
     * adds its count, {@link #release} removes it. Called with this registry's lock held: the
     * listener must only hand the number on (native mode's pod manager does its API calls elsewhere).
     */
    public synchronized void onSlotDemandChanged(IntConsumer listener) {
        demandListeners.add(listener);
    }

    /** The total slots the jobs ask for. */
    public synchronized int slotDemand() {
        return slotDemand.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Whether the TaskManager {@code id} holds no allocated slot (true when it is not registered). */
    public synchronized boolean isIdle(String id) {
        Entry e = taskManagers.get(id);
        return e == null || e.allocated == 0;
    }

    private void demandChanged() {
        int total = slotDemand();
        demandListeners.forEach(l -> l.accept(total));
    }

    /** Forgets every TaskManager, allocation and slot demand, without telling anyone (a JobManager that lost leadership). */
    public synchronized void clear() {
        taskManagers.clear();
        allocations.clear();
        slotDemand.clear();
    }

    public synchronized int slotsTotal() {
        return taskManagers.values().stream().mapToInt(e -> e.slots).sum();
    }

    public synchronized int slotsFree() {
        return taskManagers.values().stream().mapToInt(e -> e.slots - e.allocated).sum();
    }

    public synchronized List<TaskManagerInfo> describe() {
        return taskManagers.values().stream().map(e -> TaskManagerInfo.newBuilder()
                .setTaskmanagerId(e.id).setRpcAddress(e.rpcAddress).setDataAddress(e.dataAddress)
                .setNumberOfSlots(e.slots).setFreeSlots(e.slots - e.allocated).setLastHeartbeatMs(e.lastHeartbeat).build()).toList();
    }

    public synchronized int size() {
        return taskManagers.size();
    }
}
