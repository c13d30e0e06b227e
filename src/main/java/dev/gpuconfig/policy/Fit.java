package dev.gpuconfig.policy;

import dev.gpuconfig.catalog.Candidate;

/**
 * The memory arithmetic of one configuration, per GPU: weights, overhead and KV cache inside
 * {@code budgetGiB} = memory × utilization, and how many tokens the KV cache then holds.
 */
public record Fit(Candidate candidate, double utilization, double gpuTotalGiB, double budgetGiB,
                  double weightsGiB, double overheadGiB, double kvCacheGiB, long maxTokensInKvCache,
                  boolean kvFp8, double kvBytesPerTokenPerGpu) {
}
