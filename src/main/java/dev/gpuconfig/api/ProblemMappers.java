package dev.gpuconfig.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.RequestJson;
import dev.gpuconfig.store.StoreException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as application/problem+json (RFC 9457); what a client sends never yields a 500. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final String PROBLEM_JSON = "application/problem+json";

    @ServerExceptionMapper
    public Response decide(DecideException e) {
        Response r = problem(Problem.of(e));
        // a 503 passes (no rule set active yet, a full queue): say when to come back
        return r.getStatus() == 503 ? Response.fromResponse(r).header("Retry-After", "1").build() : r;
    }

    // the store cannot be reached: nothing was stored, the client retries the report
    @ServerExceptionMapper
    public Response store(StoreException e) {
        LOG.warn(e.getMessage());
        return Response.fromResponse(problem(Problem.of(503, "Outcome store unavailable", e.getMessage())))
                .header("Retry-After", "1").build();
    }

    @ServerExceptionMapper
    public Response admin(AdminException e) {
        return problem(e.problem());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return problem(Problem.of(RequestJson.refusal(e)));
    }

    // a field of the wrong type: more specific than the one above, so it wins over the mapper
    // Quarkus REST brings for it (a plain JSON body, not a problem)
    @ServerExceptionMapper
    public Response jsonField(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException j) {
            return json(j);
        }
        String title = Response.Status.fromStatusCode(status) == null ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase();
        return problem(Problem.of(status, title, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return problem(Problem.of(500, "Internal error", e.getClass().getSimpleName() + ": " + e.getMessage()));
    }

    static Response problem(Problem p) {
        return Response.status(p.status()).type(PROBLEM_JSON).entity(p).build();
    }
}
