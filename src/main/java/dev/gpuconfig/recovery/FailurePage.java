package dev.gpuconfig.recovery;

import dev.gpuconfig.store.Outcome;

import java.time.Instant;
import java.util.List;

/**
 * GET /v1/failures: reported failures, newest first, one page at a time ({@code next} is the link
 * to the following page, null on the last); for one model also its configurations as the rules
 * see them now.
 */
public record FailurePage(String model, int windowDays, int failuresToAvoid, List<Configuration> configurations,
                          List<Failure> failures, String next) {

    /** One configuration's outcomes within the window; {@code avoided} when the shipped rule leaves it out. */
    public record Configuration(String gpu, int gpuCount, int failures, int started, List<String> errorClasses,
                                Long smallestKvCacheTokens, boolean avoided) {
    }

    public record Failure(long id, Instant reportedAt, String model, String gpu, int gpuCount, double memoryUtilization,
                          Integer maxModelLen, String errorClass, Long kvCacheTokens, String rulesVersion, String excerpt) {
        static Failure of(Outcome o) {
            return new Failure(o.id(), o.reportedAt(), o.model(), o.gpu(), o.gpuCount(), o.utilization(), o.maxModelLen(),
                    o.errorClass(), o.kvCacheTokens(), o.rulesVersion(), o.excerpt());
        }
    }

    /** The answer of POST /v1/outcomes and of DELETE /v1/failures. */
    public record Stored(Long id, String model, String gpu, Integer gpuCount, Long kvCacheTokens, Integer forgotten) {
    }
}
