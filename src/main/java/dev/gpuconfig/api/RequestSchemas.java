package dev.gpuconfig.api;

import dev.gpuconfig.decide.DecideResponse;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The request bodies as the OpenAPI document shows them to clients that generate code from it
 * (../shared/api.md is the contract). The endpoints read a JsonNode, so that a wrong type or
 * value is a 400 problem that names the field (RequestReader, FailedDecisionReader), not the JSON
 * binder's message; these records only describe what goes over the wire.
 */
final class RequestSchemas {
    private RequestSchemas() {
    }

    @Schema(name = "DecideRequest", requiredProperties = "model")
    record Decide(
            @Schema(description = "a Hugging Face id or a bare name, [owner/]name[:GGUF-QUANT]; each part 1-96 of [A-Za-z0-9._-]",
                    example = "Qwen/Qwen3-30B-A3B-FP8", maxLength = 290) String model,
            @Schema(description = "the max_model_len the caller wants; at most the model's native context",
                    minimum = "1", maximum = "16777216") Integer contextLength,
            @Schema(description = "overrides the size the name and the catalog give", minimum = "0", exclusiveMinimum = true,
                    maximum = "100000") Double paramsBillions,
            @Schema(description = "overrides the weight format the name gives",
                    enumeration = {"none", "fp8", "int8", "int4", "gptq", "awq", "bnb", "gguf", "mxfp4", "nvfp4"}) String quantization,
            @Schema(description = "the checkpoint is split into many files (loads slower)") Boolean sharded,
            @Schema(description = "pin one GPU type of GET /v1/gpus; the answer says whether it fits", example = "L40S") String gpu) {
    }

    @Schema(name = "OomRequest", requiredProperties = {"decision", "error"})
    record Oom(
            @Schema(description = "the decide answer that failed, as received") DecideResponse decision,
            @Schema(description = "what vLLM or CUDA printed (the last lines)", maxLength = 200_000) String error,
            @Schema(description = "which attempt failed, from 1", minimum = "1", maximum = "1000", defaultValue = "1") Integer attempt) {
    }

    @Schema(name = "DiagnosticsRequest", requiredProperties = {"decision", "device"})
    record Diagnostics(
            @Schema(description = "the decide answer the container was started with") DecideResponse decision,
            Device device) {
    }

    @Schema(name = "Device", description = "the GPU as nvidia-smi reports it", requiredProperties = {"name", "totalMiB", "freeMiB"})
    record Device(
            @Schema(example = "NVIDIA L4") String name,
            @Schema(minimum = "1") Long totalMiB,
            @Schema(minimum = "0") Long freeMiB,
            String driver,
            String cuda) {
    }
}
