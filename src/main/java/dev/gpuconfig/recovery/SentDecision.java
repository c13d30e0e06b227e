package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.ModelId;
import dev.gpuconfig.modelid.Quantization;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * A decide answer as a client sends it back to /v1/oom or /v1/diagnostics: only the fields
 * recovery and diagnostics read, each bounded. The rest of the answer is ignored; the model's
 * profile is recomputed from the same request, so it cannot be forged.
 */
public record SentDecision(
        @ModelId String model,
        @NotBlank(message = "is required") @Size(max = 32) String gpu,
        @NotNull(message = "is required") @Min(1) @Max(8) Integer gpuCount,
        @NotNull(message = "is required")
        @DecimalMin(value = "0", inclusive = false, message = "must be a number between 0 and 1")
        @DecimalMax(value = "1", inclusive = false, message = "must be a number between 0 and 1") Double memoryUtilization,
        @NotNull(message = "must be the object the decision carried") @Valid EngineArgs engineArgs,
        @Min(1) @Max(DecideRequest.MAX_CONTEXT) Integer contextTarget,
        @Valid Profile profile,
        @Size(max = 16) List<@NotNull @Valid Fallback> fallbacks,
        @Valid Memory memory) {

    /**
     * The decide request that gave this decision, as far as the answer tells it: the model, the
     * context target, a size the request or the model's config gave, the format, sharding.
     */
    public DecideRequest request() {
        Double params = profile != null && java.util.Set.of("request", "config", "weights").contains(profile.sizeSource())
                ? profile.totalParamsBillions() : null;
        return new DecideRequest(model, contextTarget, params, profile == null ? null : profile.quantization(),
                profile == null ? null : profile.sharded(), null);
    }

    /** The engine arguments a recovery keeps or changes; named as vLLM spells them. */
    public record EngineArgs(
            @NotNull(message = "is required") @Min(1) @Max(DecideRequest.MAX_CONTEXT) Integer max_model_len,
            @Min(1) @Max(65536) Integer max_num_seqs,
            Boolean enforce_eager,
            @jakarta.validation.constraints.Pattern(regexp = "auto|fp8|fp8_e4m3|fp8_e5m2|bfloat16|float16",
                    message = "must be a kv_cache_dtype vLLM takes: auto, fp8, fp8_e4m3, fp8_e5m2, bfloat16, float16")
            String kv_cache_dtype) {

        /** Whether the KV cache was FP8; null when the decision did not say. */
        public Boolean kvFp8() {
            return kv_cache_dtype == null ? null : kv_cache_dtype.startsWith("fp8");
        }
    }

    /** What the service believed about the model: the request's own overrides are read back from it. */
    public record Profile(
            Quantization quantization,
            Boolean sharded,
            @Size(max = 16) String sizeSource,
            @DecimalMin(value = "0", inclusive = false, message = "must be above 0 and at most " + DecideRequest.MAX_PARAMS_B)
            @DecimalMax(value = DecideRequest.MAX_PARAMS_B, message = "must be above 0 and at most " + DecideRequest.MAX_PARAMS_B)
            Double totalParamsBillions) {
    }

    public record Fallback(
            @NotBlank(message = "is required") @Size(max = 32) String gpu,
            @NotNull(message = "is required") @Min(1) @Max(8) Integer gpuCount) {
    }

    /** The fit per GPU, as the decision gave it: diagnostics recomputes the KV cache from it. */
    public record Memory(
            @NotNull(message = "is required") @DecimalMin("0") @DecimalMax("100000") Double weightsGiB,
            @NotNull(message = "is required") @DecimalMin("0") @DecimalMax("100000") Double overheadGiB,
            @NotNull(message = "is required") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1e12")
            Double kvBytesPerTokenPerGpu) {
    }
}
