package dev.gpuconfig.decide;

import dev.gpuconfig.modelid.Quantization;

/**
 * A validated decide request: only {@code model} is required; the others override what the name
 * and the catalog say. Built by {@link RequestReader}, which rejects anything malformed.
 */
public record DecideRequest(String model, Integer contextLength, Double paramsBillions, Quantization quantization,
                            Boolean sharded, String gpu) {

    public static DecideRequest of(String model) {
        return new DecideRequest(model, null, null, null, null, null);
    }
}
