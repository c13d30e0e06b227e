package dev.gpuconfig.api;

import dev.gpuconfig.recovery.FailurePage;
import dev.gpuconfig.recovery.OutcomeRequest;
import dev.gpuconfig.recovery.OutcomeService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** What happened to the decisions: starts reported by clients, and the failures the service remembers. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class OutcomesResource {
    private final OutcomeService outcomes;
    private final AdminGuard guard;

    public OutcomesResource(OutcomeService outcomes, AdminGuard guard) {
        this.outcomes = outcomes;
        this.guard = guard;
    }

    // blocking methods (a worker thread): each waits for the store's commit or read
    @POST
    @Path("/outcomes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response started(@RequestBody(required = true) OutcomeRequest body) {
        return Response.status(201).entity(outcomes.started(body)).build();
    }

    @GET
    @Path("/failures")
    public FailurePage failures(@QueryParam("model") String model, @QueryParam("before") String before,
                                @QueryParam("limit") String limit) {
        return outcomes.failures(model, before, limit);
    }

    @DELETE
    @Path("/failures")
    public FailurePage.Stored forget(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                     @QueryParam("model") String model) {
        guard.check(authorization);
        return outcomes.forget(model);
    }
}
