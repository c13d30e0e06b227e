package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of POST /v1/outcomes: a decision that started, and the KV cache vLLM reported at start
 * ("GPU KV cache size: N tokens", or "# GPU blocks: N" from older releases). Either figure may be
 * left out; the start still counts.
 */
@Schema(name = "OutcomeRequest", requiredProperties = "decision")
public record OutcomeRequest(
        @Schema(description = "the decide answer that started, as received", implementation = DecideResponse.class)
        @NotNull(message = "must be the decide answer that started, as a JSON object") @Valid SentDecision decision,
        @Schema(description = "KV cache tokens vLLM reported at start")
        @Min(value = 1, message = "must be a positive number of tokens, at most 10^12")
        @Max(value = 1_000_000_000_000L, message = "must be a positive number of tokens, at most 10^12") Long kvCacheTokens,
        @Schema(description = "GPU blocks vLLM reported at start (older releases); tokens = blocks x block size")
        @Min(value = 1, message = "must be a positive number of blocks, at most 10^10")
        @Max(value = 10_000_000_000L, message = "must be a positive number of blocks, at most 10^10") Long gpuBlocks) {
}
