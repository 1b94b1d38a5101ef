package io.flowmesh.dispatcher.rest;

import io.flowmesh.dispatcher.JobSubmitter;
import io.flowmesh.proto.SubmitJobRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Flink's {@code /jars} paths: upload (multipart field {@code jarfile}), list, run, delete. */
@Path("/jars")
@Produces(MediaType.APPLICATION_JSON)
public class JarsResource {
    private static final Pattern ARG = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)");

    @Inject
    JarStore jars;

    @Inject
    JobSubmitter submitter;

    @POST
    @Path("upload")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public RestModel.JarUploadResponse upload(@RestForm("jarfile") FileUpload jarfile) throws IOException {
        if (jarfile == null) {
            throw RestException.badRequest("Exactly 1 file must be sent, received 0 (multipart field 'jarfile').");
        }
        JarStore.Jar jar = jars.store(jarfile.uploadedFile(), jarfile.fileName() == null ? "upload.jar" : jarfile.fileName());
        return new RestModel.JarUploadResponse(jars.location(jar), "success");
    }

    @GET
    public RestModel.JarListInfo list(@Context UriInfo uri) {
        List<RestModel.JarFileInfo> files = jars.list().stream().map(j -> new RestModel.JarFileInfo(j.id(), j.name(), j.uploaded(),
                j.entryClass() == null ? List.of() : List.of(new RestModel.JarEntryInfo(j.entryClass(), null)))).toList();
        String base = uri.getBaseUri().toString();
        return new RestModel.JarListInfo(base.endsWith("/") ? base.substring(0, base.length() - 1) : base, files);
    }

    @DELETE
    @Path("{jarid}")
    public Map<String, Object> delete(@PathParam("jarid") String jarId) {
        if (!jars.delete(jarId)) {
            throw RestException.badRequest("File " + jarId + " does not exist in " + jars.dir() + ".");
        }
        return Map.of();
    }

    /**
     * Runs a jar: the JSON body's fields, else the query parameters (Flink's precedence). A program
     * that cannot be run (entry class missing, main throws, no execute()) is 400 with the reason.
     */
    @POST
    @Path("{jarid}/run")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public RestModel.JarRunResponse run(@PathParam("jarid") String jarId, RestModel.JarRunRequest body,
            @QueryParam("entry-class") String entryClassQuery, @QueryParam("programArg") String programArgQuery,
            @QueryParam("program-args") String programArgsQuery, @QueryParam("parallelism") Integer parallelismQuery,
            @QueryParam("savepointPath") String savepointPathQuery, @QueryParam("allowNonRestoredState") Boolean allowNonRestoredQuery) {
        JarStore.Jar jar = jars.get(jarId).orElseThrow(() -> RestException.badRequest("Jar file " + jarId + " does not exist."));
        RestModel.JarRunRequest r = body == null ? new RestModel.JarRunRequest(null, null, null, null, null, null, null, null, null) : body;
        String entryClass = first(r.entryClass(), entryClassQuery);
        List<String> args = r.programArgsList() != null && !r.programArgsList().isEmpty() ? r.programArgsList()
                : r.programArgs() != null ? tokenize(r.programArgs())
                : programArgQuery != null ? Arrays.stream(programArgQuery.split(",")).filter(s -> !s.isEmpty()).toList()
                : programArgsQuery != null ? tokenize(programArgsQuery) : List.of();
        Integer parallelism = r.parallelism() != null ? r.parallelism() : parallelismQuery;
        if (parallelism != null && parallelism <= 0 && parallelism != -1) {
            throw RestException.badRequest("parallelism must be positive, was " + parallelism);
        }
        String savepoint = first(r.savepointPath(), savepointPathQuery);
        boolean allowNonRestored = r.allowNonRestoredState() != null ? r.allowNonRestoredState() : Boolean.TRUE.equals(allowNonRestoredQuery);
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder().setArtifactUri(jar.artifactUri())
                .setEntryClass(entryClass == null ? (jar.entryClass() == null ? "" : jar.entryClass()) : entryClass)
                .addAllArgs(args).setParallelism(parallelism == null || parallelism < 0 ? 0 : parallelism)
                .setSavepointPath(savepoint == null ? "" : savepoint).setAllowNonRestoredState(allowNonRestored)
                // Flink's fixed job id: a retried run of the same id is answered with that job, never run twice
                .setJobId(r.jobId() == null ? "" : r.jobId().strip());
        if (r.flinkConfiguration() != null) {
            request.putAllConfiguration(r.flinkConfiguration());
        }
        try {
            return new RestModel.JarRunResponse(submitter.submit(request.build()).getJobId());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT && e.getStatus().getDescription() != null
                    && e.getStatus().getDescription().startsWith("job id")) {
                throw RestException.badRequest(e.getStatus().getDescription());
            }
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND && e.getStatus().getDescription() != null
                    && !e.getStatus().getDescription().startsWith("no artifact")) {
                throw RestException.badRequest(e.getStatus().getDescription());
            }
            throw e;
        }
    }

    private static String first(String a, String b) {
        return a != null && !a.isEmpty() ? a : (b != null && !b.isEmpty() ? b : null);
    }

    /** Splits a program argument string at white space; single or double quotes keep a part together. */
    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = ARG.matcher(s);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return out;
    }
}
