package io.flowmesh.dispatcher.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.flowmesh.cluster.storage.StorageException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure of a REST call becomes Flink's error body {@code {"errors":["..."]}}:
 * {@link RestException} with its status; a gRPC status of the dispatcher's own services by code
 * (NOT_FOUND 404; INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, OUT_OF_RANGE 400;
 * UNAVAILABLE and DEADLINE_EXCEEDED 503, as Flink answers when its leader cannot be reached;
 * anything else 500); an unknown path 404 {@code Not found: /path}; malformed JSON 400; any other
 * exception 500 naming it (and logged).
 */
public class RestErrors {
    private static final Logger LOG = Logger.getLogger(RestErrors.class);

    static Response body(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new RestModel.Errors(List.of(message == null ? "" : message))).build();
    }

    @ServerExceptionMapper
    public Response rest(RestException e) {
        return body(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response grpc(StatusRuntimeException e) {
        Status s = e.getStatus();
        int code = switch (s.getCode()) {
            case NOT_FOUND -> 404;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, OUT_OF_RANGE -> 400;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> 503;
            default -> 500;
        };
        return body(code, s.getDescription() == null ? s.getCode().toString() : s.getDescription());
    }

    @ServerExceptionMapper
    public Response storage(StorageException e) {
        return body(503, e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return body(404, "Not found: /" + uri.getPath().replaceFirst("^/", ""));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return body(400, "Request did not match expected format: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        return body(status, e.getMessage());
    }

    @ServerExceptionMapper
    public Response other(RuntimeException e) {
        LOG.error("REST call failed", e);
        return body(500, "Internal server error: " + e);
    }
}
