package io.flowmesh.dispatcher.rest.metrics;

import io.flowmesh.dispatcher.rest.JobManagerView;
import io.flowmesh.proto.TaskManagerInfo;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Flink's {@code MetricFetcher} for Flowmesh: scrapes every TaskManager's Prometheus endpoint
 * ({@code http://<rpc_address>/q/metrics}; the list and addresses come from the JobManager's cluster
 * overview) and keeps the result for {@link #CACHE_MILLIS}, so that a dashboard polling many REST
 * paths costs one scrape per second. Scrapes run in parallel, each with a {@link #SCRAPE_TIMEOUT};
 * a TaskManager that does not answer is left out of that scrape (its subtasks have no metrics,
 * which the REST API reports as Flink does for unavailable metrics). Thread-safe: callers that find
 * the cache stale wait for one scrape together.
 */
@Singleton
public class MetricFetcher {
    private static final Logger LOG = Logger.getLogger(MetricFetcher.class);
    static final long CACHE_MILLIS = 1000;
    static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(2);

    @Inject
    JobManagerView jobManager;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(SCRAPE_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    private MetricStore current = MetricStore.EMPTY;
    private long fetchedAtNanos;
    private boolean fetched;

    /** The metrics of at most {@link #CACHE_MILLIS} ago; scrapes when they are older. */
    public synchronized MetricStore metrics() {
        long now = System.nanoTime();
        if (!fetched || now - fetchedAtNanos > CACHE_MILLIS * 1_000_000) {
            current = fetch();
            fetchedAtNanos = System.nanoTime();
            fetched = true;
        }
        return current;
    }

    private MetricStore fetch() {
        long timestamp = System.currentTimeMillis();
        List<TaskManagerInfo> taskManagers;
        try {
            taskManagers = jobManager.clusterOverview().getTaskmanagersList();
        } catch (RuntimeException e) {
            LOG.debugf("no metrics: %s", e.getMessage());
            return MetricStore.EMPTY;
        }
        Map<String, CompletableFuture<String>> scrapes = new HashMap<>();
        for (TaskManagerInfo tm : taskManagers) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + tm.getRpcAddress() + "/q/metrics")).timeout(SCRAPE_TIMEOUT)
                    .header("Accept", "text/plain").GET().build();
            scrapes.put(tm.getTaskmanagerId(), http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> r.statusCode() == 200 ? r.body() : ""));
        }
        Map<String, List<PrometheusText.Sample>> samples = new HashMap<>();
        scrapes.forEach((tm, scrape) -> {
            try {
                samples.put(tm, PrometheusText.parse(scrape.join(), MetricStore.NAMES::contains));
            } catch (RuntimeException e) {
                LOG.debugf("no metrics of TaskManager %s: %s", tm, e.getMessage());
            }
        });
        return MetricStore.of(samples, timestamp);
    }
}
