package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideResponse;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The answer of POST /v1/oom: what to do next, the configuration to try, and why. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OomResponse(String action, DecideResponse next, List<Alternative> alternatives, String reason,
                          String errorClass, List<String> firedRules) {

    public record Alternative(String model, String reason) {
    }
}
