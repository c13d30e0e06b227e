package dev.gpuconfig.policy;

import java.util.List;

/**
 * What the outcome store remembers of one configuration (GPU type and count) for the model being
 * decided, within the policy's window ({@code history.window.days}): how often it failed and
 * started, the error classes of the failures and the lowest utilization among them, and the KV
 * caches vLLM reported on it, each with the utilization and KV dtype it was reported at. One fact per configuration with any outcome;
 * the service inserts them, the rules in history.drl read them.
 */
public class ConfigurationHistory {
    /** One KV cache vLLM reported on this configuration: tokens, at a utilization, FP8 or not (null: not said). */
    public record KvReport(long tokens, double utilization, Boolean fp8) {
    }

    private final String gpu;
    private final int gpuCount;
    private final int failures;
    private final int successes;
    private final List<String> errorClasses;
    private final List<KvReport> kvReports;
    private final Double lowestFailedUtilization;

    public ConfigurationHistory(String gpu, int gpuCount, int failures, int successes, List<String> errorClasses,
                                List<KvReport> kvReports, Double lowestFailedUtilization) {
        this.gpu = gpu;
        this.gpuCount = gpuCount;
        this.failures = failures;
        this.successes = successes;
        this.errorClasses = List.copyOf(errorClasses);
        this.kvReports = List.copyOf(kvReports);
        this.lowestFailedUtilization = lowestFailedUtilization;
    }

    public String getGpu() { return gpu; }
    public int getGpuCount() { return gpuCount; }
    public int getFailures() { return failures; }
    public int getSuccesses() { return successes; }
    /** The error classes of the failures, each once, in the order first seen. */
    public List<String> getErrorClasses() { return errorClasses; }
    /** Every KV cache vLLM reported on this configuration (at start, or in an error), newest first. */
    public List<KvReport> getKvReports() { return kvReports; }
    /** The smallest KV cache, in tokens, vLLM reported on this configuration; null when none. */
    public Long getSmallestKvTokens() {
        return kvReports.stream().map(KvReport::tokens).min(Long::compare).orElse(null);
    }
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
