package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of POST /v1/oom: the decision that failed, what vLLM or CUDA printed, and which attempt it was. */
@Schema(name = "OomRequest", requiredProperties = {"decision", "error"})
public record OomRequest(
        @Schema(description = "the decide answer that failed, as received", implementation = DecideResponse.class)
        @NotNull(message = "must be the decide answer that failed, as a JSON object") @Valid SentDecision decision,
        @Schema(description = "what vLLM or CUDA printed (the last lines)")
        @NotNull(message = "must be the text vLLM or CUDA printed, as a string")
        @Size(max = MAX_ERROR_CHARS, message = "is longer than " + MAX_ERROR_CHARS + " characters; send the last lines") String error,
        @Schema(description = "which attempt failed, from 1", defaultValue = "1")
        @Min(value = 1, message = "must be a whole number from 1 to 1000")
        @Max(value = 1000, message = "must be a whole number from 1 to 1000") Integer attempt) {

    /** vLLM's own message is in the last lines of a traceback; more is refused rather than scanned. */
    public static final int MAX_ERROR_CHARS = 200_000;
}
