package dev.gpuconfig.decide;

import dev.gpuconfig.modelid.Quantization;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A decide request, as clients send it (JSON body, query parameters or a batch item) and as the
 * service's cache keys it. The limits are declared here once: {@link RequestValidation} checks
 * them, and the OpenAPI document shows them. Only {@code model} is required; the other fields
 * override what the name and the catalog say.
 */
@Schema(name = "DecideRequest", requiredProperties = "model")
public record DecideRequest(
        @Schema(description = "a Hugging Face id or a bare name, [owner/]name[:GGUF-QUANT]; each part 1-96 of [A-Za-z0-9._-]",
                example = "Qwen/Qwen3-30B-A3B-FP8", maxLength = ModelId.MAX_LENGTH)
        @ModelId String model,
        @Schema(description = "the max_model_len the caller wants; at most the model's native context")
        @Min(value = 1, message = "must be between 1 and " + MAX_CONTEXT + " tokens")
        @Max(value = MAX_CONTEXT, message = "must be between 1 and " + MAX_CONTEXT + " tokens") Integer contextLength,
        @Schema(description = "overrides the size the name and the catalog give, in billions of parameters")
        @DecimalMin(value = "0", inclusive = false, message = "must be above 0 and at most " + MAX_PARAMS_B)
        @DecimalMax(value = MAX_PARAMS_B, message = "must be above 0 and at most " + MAX_PARAMS_B) Double paramsBillions,
        @Schema(description = "overrides the weight format the name gives (any case)", type = SchemaType.STRING,
                enumeration = {"none", "fp8", "int8", "int4", "gptq", "awq", "bnb", "gguf", "mxfp4", "nvfp4"})
        Quantization quantization,
        @Schema(description = "the checkpoint is split into many files (loads slower)") Boolean sharded,
        @Schema(description = "pin one GPU type of GET /v1/gpus; the answer says whether it fits", example = "L40S")
        @Pattern(regexp = "\\s*[A-Za-z0-9][A-Za-z0-9-]{0,31}\\s*", message = "must name a GPU type of GET /v1/gpus, e.g. L40S")
        String gpu,
        @Schema(description = "the model's config.json as its repository publishes it (multimodal models nest the language"
                + " model under text_config); with it the profile comes from the model's own figures", type = SchemaType.OBJECT)
        com.fasterxml.jackson.databind.node.ObjectNode config,
        @Schema(description = "total bytes of the weight files: metadata.total_size of model.safetensors.index.json, or the"
                + " size of the single .safetensors or .gguf file")
        @Min(value = 1, message = "must be a positive number of bytes")
        @Max(value = 1_000_000_000_000_000L, message = "must be a positive number of bytes, at most 10^15") Long weightsBytes) {

    /** The longest max_model_len a request may ask for: far above any model's native context. */
    public static final int MAX_CONTEXT = 16 * 1024 * 1024;
    /** The largest size a request may state, in billions of parameters. */
    public static final String MAX_PARAMS_B = "100000";

    public DecideRequest(String model, Integer contextLength, Double paramsBillions, Quantization quantization, Boolean sharded,
                         String gpu) {
        this(model, contextLength, paramsBillions, quantization, sharded, gpu, null, null);
    }

    public static DecideRequest of(String model) {
        return new DecideRequest(model, null, null, null, null, null);
    }

    /** The same request for another context length. */
    public DecideRequest withContext(Integer context) {
        return new DecideRequest(model, context, paramsBillions, quantization, sharded, gpu, config, weightsBytes);
    }
}
