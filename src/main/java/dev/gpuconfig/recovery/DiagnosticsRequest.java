package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of POST /v1/diagnostics: the decision a container was started with, and the GPU it sees. */
@Schema(name = "DiagnosticsRequest", requiredProperties = {"decision", "device"})
public record DiagnosticsRequest(
        @Schema(description = "the decide answer the container was started with", implementation = DecideResponse.class)
        @NotNull(message = "must be the decide answer, as a JSON object") @Valid SentDecision decision,
        @NotNull(message = "must be the GPU as nvidia-smi reports it") @Valid Device device) {

    @Schema(name = "Device", description = "the GPU as nvidia-smi reports it", requiredProperties = {"name", "totalMiB", "freeMiB"})
    public record Device(
            @Schema(example = "NVIDIA L4")
            @NotBlank(message = "must be the GPU name nvidia-smi prints") @Size(max = 200) String name,
            @NotNull(message = "must be a positive number of MiB")
            @DecimalMin(value = "0", inclusive = false, message = "must be a positive number of MiB")
            @DecimalMax(value = "10000000", message = "must be a positive number of MiB") Double totalMiB,
            @NotNull(message = "must be a positive number of MiB")
            @DecimalMin(value = "0", inclusive = false, message = "must be a positive number of MiB")
            @DecimalMax(value = "10000000", message = "must be a positive number of MiB") Double freeMiB,
            @Size(max = 200) String driver,
            @Size(max = 200) String cuda,
            @Schema(description = "GPUs visible to the container (torch.cuda.device_count()); the decision's count when absent")
            @jakarta.validation.constraints.Min(value = 1, message = "must be from 1 to 64 GPUs")
            @jakarta.validation.constraints.Max(value = 64, message = "must be from 1 to 64 GPUs") Integer count) {
    }
}
