package dev.gpuconfig.policy;

/** Stage 4 result: the conservative gpu_memory_utilization to start from. */
public record UtilizationPolicy(double base) {
    public double getBase() {
        return base;
    }
}
