package dev.gpuconfig.decide;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.Validation;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/** A {@link RequestReader} outside Quarkus: the same constraints and JSON reading, for tests and benchmarks. */
public final class TestRequests {
    private TestRequests() {
    }

    public static RequestReader reader() {
        ObjectMapper json = new ObjectMapper();
        new RequestJson().customize(json);
        return new RequestReader(Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator(), json);
    }
}
