package io.flowmesh.dispatcher.rest;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Flink serves every REST path also under its version prefix {@code /v1} ({@code /v1/jobs} =
 * {@code /jobs}); so does Flowmesh, by rerouting {@code /v1/...} to the unversioned path (query
 * string kept) before any other route sees it.
 */
@Singleton
public class VersionPrefix {
    void install(@Observes Router router) {
        router.route("/v1/*").order(-1000).handler(rc -> {
            String path = rc.request().path().substring("/v1".length());
            String query = rc.request().query();
            rc.reroute(query == null ? path : path + "?" + query);
        });
    }
}
