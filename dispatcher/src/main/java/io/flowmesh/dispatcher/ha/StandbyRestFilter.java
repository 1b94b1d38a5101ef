package io.flowmesh.dispatcher.ha;

import io.flowmesh.cluster.ha.LeaderInformation;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A standby dispatcher's REST side ({@link DispatcherLeadership}): every mutating request of the
 * REST API (POST, PATCH, PUT, DELETE: jar upload, run and delete, cancel, savepoint, stop) is
 * answered {@code 503} with Flink's error body naming the leading dispatcher, and its address in
 * the header {@value DispatcherLeadership#LEADER_TRAILER} ({@code http://host:port} in the text);
 * nothing is done. GET requests (the Web UI, job details, metrics) are served by the standby too.
 */
public class StandbyRestFilter {
    private static final Set<String> MUTATING = Set.of("POST", "PATCH", "PUT", "DELETE");

    @Inject
    DispatcherLeadership leadership;

    @ServerRequestFilter
    public Optional<Response> refuseOnStandby(ContainerRequestContext request) {
        if (!MUTATING.contains(request.getMethod()) || leadership.leading()) {
            return Optional.empty();
        }
        Optional<String> leader = leadership.leader().map(LeaderInformation::address).filter(a -> !a.equals(leadership.advertisedAddress()));
        String text = leadership.message("accept " + request.getMethod() + " requests", leader.map(a -> "http://" + a));
        Response.ResponseBuilder response = Response.status(503).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("errors", List.of(text)));
        leader.ifPresent(a -> response.header(DispatcherLeadership.LEADER_TRAILER, "http://" + a));
        return Optional.of(response.build());
    }
}
