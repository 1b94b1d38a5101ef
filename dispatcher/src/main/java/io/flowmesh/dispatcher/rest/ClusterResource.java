package io.flowmesh.dispatcher.rest;

import io.flowmesh.dispatcher.registry.JobRegistry;
import io.flowmesh.dispatcher.rest.metrics.MetricFetcher;
import io.flowmesh.proto.ClusterOverview;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobSummary;
import io.flowmesh.proto.SubtaskDetails;
import io.flowmesh.proto.TaskManagerInfo;
import io.flowmesh.proto.VertexDetails;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

/** Flink's cluster-level REST paths: {@code /overview}, {@code /config}, {@code /taskmanagers}, {@code /taskmanagers/:taskmanagerid}. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    /** What {@code flink-version} says: the Flink REST API version this API follows, and who serves it. */
    static final String VERSION = "1.19-flowmesh-0.1.0";
    static final String REVISION = "flowmesh";

    @Inject
    JobManagerView jobManager;

    @Inject
    JobRegistry registry;

    @Inject
    MetricFetcher metrics;

    @GET
    @Path("overview")
    public RestModel.ClusterOverview overview() {
        ClusterOverview o = jobManager.clusterOverview();
        Map<String, Integer> jobs = registry.jobsByStatus();
        int terminal = jobs.getOrDefault("FINISHED", 0) + jobs.getOrDefault("CANCELED", 0) + jobs.getOrDefault("FAILED", 0);
        int running = jobs.values().stream().mapToInt(Integer::intValue).sum() - terminal;
        return new RestModel.ClusterOverview(o.getTaskmanagersCount(), o.getSlotsTotal(), o.getSlotsAvailable(), 0, 0, running,
                jobs.getOrDefault("FINISHED", 0), jobs.getOrDefault("CANCELED", 0), jobs.getOrDefault("FAILED", 0), VERSION, REVISION);
    }

    @GET
    @Path("config")
    public RestModel.DashboardConfiguration config() {
        TimeZone zone = TimeZone.getDefault();
        return new RestModel.DashboardConfiguration(3000, ZoneId.systemDefault().getId(), zone.getOffset(System.currentTimeMillis()), VERSION,
                REVISION, new RestModel.Features(true, true, false, false));
    }

    @GET
    @Path("taskmanagers")
    public RestModel.TaskManagersInfo taskManagers() {
        List<RestModel.TaskManagerInfo> list = new ArrayList<>();
        for (TaskManagerInfo tm : jobManager.clusterOverview().getTaskmanagersList()) {
            list.add(info(tm, false));
        }
        return new RestModel.TaskManagersInfo(list);
    }

    @GET
    @Path("taskmanagers/{taskmanagerid}")
    public RestModel.TaskManagerInfo taskManager(@PathParam("taskmanagerid") String id) {
        TaskManagerInfo tm = jobManager.clusterOverview().getTaskmanagersList().stream().filter(t -> t.getTaskmanagerId().equals(id)).findFirst()
                .orElseThrow(() -> RestException.notFound("TaskManager " + id + " does not exist."));
        return info(tm, true);
    }

    private RestModel.TaskManagerInfo info(TaskManagerInfo tm, boolean details) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("cpuCores", 0.0);
        resource.put("taskHeapMemory", 0);
        resource.put("taskOffHeapMemory", 0);
        resource.put("managedMemory", 0);
        resource.put("networkMemory", 0);
        resource.put("extendedResources", Map.of());
        Map<String, Object> hardware = new LinkedHashMap<>();
        hardware.put("cpuCores", -1);
        hardware.put("physicalMemory", -1L);
        hardware.put("freeMemory", -1L);
        hardware.put("managedMemory", -1L);
        Map<String, Object> tmMetrics = null;
        List<Map<String, Object>> slots = null;
        if (details) {
            tmMetrics = new LinkedHashMap<>();
            Map<String, Long> jvm = metrics.metrics().jvmMemory(tm.getTaskmanagerId());
            for (String k : List.of("heapUsed", "heapCommitted", "heapMax", "nonHeapUsed", "nonHeapCommitted", "nonHeapMax")) {
                tmMetrics.put(k, jvm.getOrDefault(k, 0L));
            }
            tmMetrics.put("garbageCollectors", List.of());
            slots = new ArrayList<>();
            for (String jobId : jobsOn(tm.getTaskmanagerId())) {
                Map<String, Object> slot = new LinkedHashMap<>();
                slot.put("jobId", jobId);
                slot.put("resource", resource);
                slots.add(slot);
            }
        }
        return new RestModel.TaskManagerInfo(tm.getTaskmanagerId(), tm.getRpcAddress(), port(tm.getDataAddress()), -1, tm.getLastHeartbeatMs(),
                tm.getNumberOfSlots(), tm.getFreeSlots(), false, resource, resource, hardware, Map.of(), tmMetrics, slots);
    }

    /** Jobs with a subtask that is not terminal on the TaskManager (one entry per job, as Flowmesh shares slots within a job). */
    private List<String> jobsOn(String taskManagerId) {
        List<String> jobs = new ArrayList<>();
        for (JobSummary s : registry.list(false)) {
            JobDetails d = registry.details(s.getJobId()).orElse(null);
            if (d == null) {
                continue;
            }
            outer:
            for (VertexDetails v : d.getVerticesList()) {
                for (SubtaskDetails t : v.getSubtasksList()) {
                    if (taskManagerId.equals(t.getTaskmanagerId()) && !io.flowmesh.cluster.events.LifecycleEvents.isTerminal(t.getState())) {
                        jobs.add(s.getJobId());
                        break outer;
                    }
                }
            }
        }
        return jobs;
    }

    static int port(String address) {
        int colon = address.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
