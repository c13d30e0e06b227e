package dev.gpuconfig.decide;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gpuconfig.engine.Warning;

import java.util.List;
import java.util.Map;

/**
 * A decision as clients read it (../shared/api.md): field names are the contract. Added beyond
 * the contract: modalGpu (Modal's gpu= value), pricePerHour, band, contextTarget, pinnedGpuFits,
 * excluded (candidates dropped as unable to start, with why).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecideResponse(String model, String gpu, int gpuCount, double memoryUtilization, String modalFunction,
                             String modalGpu, double pricePerHour, Map<String, Object> engineArgs,
                             Map<String, String> env, Profile profile, Memory memory, List<Fallback> fallbacks,
                             List<Warning> warnings, List<String> firedRules, String rulesVersion, String band,
                             int contextTarget, Boolean pinnedGpuFits, List<String> excluded) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Profile(String family, double totalParamsBillions, Double activeParamsBillions, String quantization, boolean moe,
                          boolean gguf, boolean sharded, String sizeSource, double weightsGiB, long kvBytesPerToken,
                          int nativeContextLength, String ggufType, String catalogKey) {
    }

    public record Memory(double gpuTotalGiB, double budgetGiB, double weightsGiB, double overheadGiB,
                         double kvCacheGiB, long maxTokensInKvCache, double kvBytesPerTokenPerGpu) {
    }

    public record Fallback(String gpu, int gpuCount, double memoryUtilization, String modalFunction, String modalGpu,
                           long maxTokensInKvCache) {
    }
}
