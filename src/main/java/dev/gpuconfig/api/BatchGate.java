package dev.gpuconfig.api;

import dev.gpuconfig.decide.BatchAdmission;
import dev.gpuconfig.decide.DecideException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Refuses a batch before its body is read when the batch queue is full (BatchAdmission says why);
 * any other request passes untouched.
 */
public class BatchGate {
    private final BatchAdmission admission;
    private final ProblemMappers problems = new ProblemMappers();

    public BatchGate(BatchAdmission admission) {
        this.admission = admission;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> refuseWhenFull(ContainerRequestContext request) {
        if (!"POST".equals(request.getMethod()) || !"/v1/gpu-config/batch".equals(request.getUriInfo().getPath())) {
            return Optional.empty();
        }
        try {
            admission.refuseWhenFull();
            return Optional.empty();
        } catch (DecideException full) {
            return Optional.of(problems.decide(full));
        }
    }
}
