package dev.gpuconfig.policy;

/** Stage 1 result: the size band of the model's total parameters (the seed's "small … massive"). */
public record SizeBand(String name) {
    public String getName() {
        return name;
    }
}
