package dev.gpuconfig.policy;

import java.util.List;

/**
 * What the outcome store remembers of one configuration (GPU type and count) for the model being
 * decided, within the policy's window ({@code history.window.days}): how often it failed and
 * started, the error classes of the failures and the lowest utilization among them, and the
 * smallest KV cache vLLM reported on it, with the utilization and KV dtype it was reported at. One fact per configuration with any outcome;
 * the service inserts them, the rules in history.drl read them.
 */
public class ConfigurationHistory {
    private final String gpu;
    private final int gpuCount;
    private final int failures;
    private final int successes;
    private final List<String> errorClasses;
    private final Long smallestKvTokens;
    private final Double kvUtilization;
    private final Boolean kvFp8;
    private final Double lowestFailedUtilization;

    public ConfigurationHistory(String gpu, int gpuCount, int failures, int successes, List<String> errorClasses,
                                Long smallestKvTokens, Double kvUtilization, Boolean kvFp8, Double lowestFailedUtilization) {
        this.gpu = gpu;
        this.gpuCount = gpuCount;
        this.failures = failures;
        this.successes = successes;
        this.errorClasses = List.copyOf(errorClasses);
        this.smallestKvTokens = smallestKvTokens;
        this.kvUtilization = kvUtilization;
        this.kvFp8 = kvFp8;
        this.lowestFailedUtilization = lowestFailedUtilization;
    }

    public String getGpu() { return gpu; }
    public int getGpuCount() { return gpuCount; }
    public int getFailures() { return failures; }
    public int getSuccesses() { return successes; }
    /** The error classes of the failures, each once, in the order first seen. */
    public List<String> getErrorClasses() { return errorClasses; }
    /** The smallest KV cache, in tokens, vLLM reported on this configuration (at start or in an error); null when none. */
    public Long getSmallestKvTokens() { return smallestKvTokens; }
    /** The gpu_memory_utilization that smallest KV cache was reported at. */
    public Double getKvUtilization() { return kvUtilization; }
    /** Whether that KV cache was FP8; null when the report did not say. */
    public Boolean getKvFp8() { return kvFp8; }
    /** The lowest gpu_memory_utilization this configuration failed at; null when it never failed. */
    public Double getLowestFailedUtilization() { return lowestFailedUtilization; }

    /** "A10G:2", as the tables write a configuration. */
    public String label() {
        return gpuCount == 1 ? gpu : gpu + ":" + gpuCount;
    }

    @Override
    public String toString() {
        return label() + " (" + failures + " failed, " + successes + " started)";
    }
}
