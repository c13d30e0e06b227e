package dev.gpuconfig.store;

import java.time.Instant;

/**
 * One reported outcome as stored: a failure ({@link #FAILURE}, from POST /v1/oom) or a start
 * ({@link #STARTED}, from POST /v1/outcomes) of one configuration of a model. {@code id} and
 * {@code reportedAt} are null until stored.
 *
 * @param kvCacheTokens the KV cache vLLM reported, in tokens (at start, or in its error); null when none
 * @param request       the decide request the configuration answered, as JSON
 * @param excerpt       the end of what vLLM printed (failures)
 */
public record Outcome(Long id, Instant reportedAt, String model, String kind, String gpu, int gpuCount,
                      double utilization, Integer maxModelLen, Boolean kvFp8, String errorClass, Long kvCacheTokens,
                      Long gpuBlocks, String rulesVersion, String request, String excerpt) {
    public static final String FAILURE = "failure";
    public static final String STARTED = "started";

    /** Model ids are compared without case, as the Hugging Face Hub does. */
    public static String key(String model) {
        return model.toLowerCase(java.util.Locale.ROOT);
    }

    Outcome stored(long newId, Instant at) {
        return new Outcome(newId, at, model, kind, gpu, gpuCount, utilization, maxModelLen, kvFp8, errorClass,
                kvCacheTokens, gpuBlocks, rulesVersion, request, excerpt);
    }
}
