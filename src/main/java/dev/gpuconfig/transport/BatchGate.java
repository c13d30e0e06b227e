package dev.gpuconfig.transport;

import dev.gpuconfig.api.ProblemMappers;

import dev.gpuconfig.batch.BatchAdmission;
import dev.gpuconfig.decide.DecideException;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;

/**
 * Refuses a batch before its body is read when the batch queue is full (BatchAdmission says why).
 * Bound by name to the batch method: Quarkus REST runs such a filter after matching the method
 * and before reading the body, and no other request pays for it.
 */
public class BatchGate {
    /** Marks the method whose requests pass the gate. */
    @NameBinding
    @Target({ElementType.METHOD, ElementType.TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Gated {
    }

    private final BatchAdmission admission;
    private final ProblemMappers problems = new ProblemMappers();

    public BatchGate(BatchAdmission admission) {
        this.admission = admission;
    }

    @Gated
    @ServerRequestFilter
    public Optional<Response> refuseWhenFull() {
        try {
            admission.refuseWhenFull();
            return Optional.empty();
        } catch (DecideException full) {
            return Optional.of(problems.decide(full));
        }
    }
}
