package dev.gpuconfig.engine;

import java.time.Instant;
import java.util.List;

/** The outcome of one attempt to load the rules folder, as GET /v1/rules reports it. */
public record LoadAttempt(String result, String version, Instant at, long durationMs, String trigger,
                          List<RuleProblem> errors) {

    public static final String ACTIVATED = "activated";
    public static final String UNCHANGED = "unchanged";
    public static final String REJECTED = "rejected";

    public boolean ok() {
        return !REJECTED.equals(result);
    }
}
