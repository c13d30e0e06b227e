package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleProblem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one attempt to load the rules folder, as GET /v1/rules reports it; {@code phasesMs}
 * says where a build's time went (empty when nothing was built).
 */
public record LoadAttempt(String result, String version, Instant at, long durationMs, String trigger,
                          List<RuleProblem> errors, Map<String, Long> phasesMs) {

    public LoadAttempt(String result, String version, Instant at, long durationMs, String trigger, List<RuleProblem> errors) {
        this(result, version, at, durationMs, trigger, errors, Map.of());
    }

    public static final String ACTIVATED = "activated";
    public static final String UNCHANGED = "unchanged";
    public static final String REJECTED = "rejected";

    public boolean ok() {
        return !REJECTED.equals(result);
    }
}
