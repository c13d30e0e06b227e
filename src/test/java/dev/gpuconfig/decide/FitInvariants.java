package dev.gpuconfig.decide;

import dev.gpuconfig.catalog.GpuCatalog;
import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.catalog.PolicySettings;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every answer must satisfy, whatever the model: the contract of docs/api.md and the
 * physics of the fit, recomputed from the answer's own figures. An answer that breaks one of
 * these is one vLLM would not start with, or one that contradicts itself.
 */
public final class FitInvariants {
    private static final double GIB = 1024.0 * 1024 * 1024;

    private FitInvariants() {
    }

    public static void check(DecideResponse a, GpuCatalog gpus, PolicySettings s) {
        String m = a.model() + ": ";
        GpuSpec gpu = gpus.find(a.gpu()).orElseThrow(() -> new AssertionError(m + "unknown gpu " + a.gpu()));
        assertEquals(gpu.getModalFunction(), a.modalFunction(), m + "modal function");
        assertTrue(Set.of(1, 2, 4, 8).contains(a.gpuCount()) && a.gpuCount() <= gpu.getMaxPerContainer(), m + "gpu count " + a.gpuCount());
        assertEquals(a.gpuCount() == 1 ? a.gpu() : a.gpu() + ":" + a.gpuCount(), a.modalGpu(), m + "modalGpu");

        Map<String, Object> args = a.engineArgs();
        assertEquals(a.memoryUtilization(), ((Number) args.get("gpu_memory_utilization")).doubleValue(), 1e-9, m + "utilization arg");
        assertEquals(a.gpuCount(), ((Number) args.get("tensor_parallel_size")).intValue(), m + "tp size");
        assertTrue(a.memoryUtilization() > 0.3 && a.memoryUtilization() <= s.utilizationCeiling() + 1e-9, m + "utilization " + a.memoryUtilization());
        if (gpu.getComputeCapability() < 8.0) {
            assertEquals("half", args.get("dtype"), m + "bf16 needs compute capability 8.0: dtype half on " + a.gpu());
        }

        DecideResponse.Memory mem = a.memory();
        assertEquals(gpu.getMemoryGiB(), mem.gpuTotalGiB(), 1e-9, m + "gpu memory");
        assertEquals(mem.gpuTotalGiB() * a.memoryUtilization(), mem.budgetGiB(), 0.02, m + "budget = total x utilization");
        assertEquals(mem.budgetGiB(), mem.weightsGiB() + mem.overheadGiB() + mem.kvCacheGiB(), 0.03, m + "budget = weights + overhead + kv");
        assertEquals(a.profile().weightsGiB() / a.gpuCount(), mem.weightsGiB(), 0.02, m + "weights split over the GPUs");
        assertTrue(mem.kvCacheGiB() > 0, m + "kv cache must be positive");
        assertTrue(mem.overheadGiB() >= 1.0, m + "overhead");

        int maxLen = ((Number) args.get("max_model_len")).intValue();
        DecideResponse.Profile p = a.profile();
        assertTrue(maxLen <= p.nativeContextLength(), m + "max_model_len above native context");
        assertTrue(maxLen >= a.contextTarget(), m + "max_model_len below the context target");
        assertTrue(maxLen <= mem.maxTokensInKvCache(), m + "max_model_len " + maxLen + " above what the KV cache holds " + mem.maxTokensInKvCache());
        assertTrue(maxLen == p.nativeContextLength() || hasWarning(a, "MAX_MODEL_LEN_CAPPED"), m + "a capped length is said");
        // the KV cache really holds maxTokens tokens at the model's KV size per GPU
        double perToken = p.kvBytesPerToken() * ("fp8".equals(args.get("kv_cache_dtype")) ? 0.5 : 1.0);
        double perGpu = mem.kvBytesPerTokenPerGpu();
        double split = perToken / perGpu;
        assertTrue(Math.abs(split - Math.rint(split)) < 1e-3 && split >= 1 && split <= a.gpuCount(),
                m + "KV per GPU must be the model's KV split over at most the GPU count, was /" + split);
        // the answer rounds GiB to 2 decimals: allow that rounding, nothing more
        assertTrue(mem.maxTokensInKvCache() * perGpu <= (mem.kvCacheGiB() + 0.005) * GIB,
                m + "tokens x bytes per token must fit in the KV cache");
        if (((String) args.getOrDefault("kv_cache_dtype", "auto")).equals("fp8")) {
            assertTrue(gpu.getComputeCapability() >= 9.0, m + "fp8 kv cache only on hopper and newer");
        }

        Set<String> seen = new HashSet<>();
        seen.add(a.modalGpu());
        for (DecideResponse.Fallback f : a.fallbacks()) {
            assertTrue(seen.add(f.modalGpu()), m + "fallback repeats " + f.modalGpu());
            assertTrue(f.memoryUtilization() <= s.utilizationCeiling() + 1e-9, m + "fallback utilization");
            if (a.gpuCount() > 1) {
                assertFalse(f.gpuCount() == 1, m + "several GPUs were chosen while a single " + f.gpu() + " fits");
            }
        }
        assertTrue(a.rulesVersion().startsWith("sha256:"), m + "rules version");
        assertFalse(a.firedRules().isEmpty(), m + "fired rules");
    }

    public static boolean hasWarning(DecideResponse a, String code) {
        return a.warnings().stream().anyMatch(w -> w.code().equals(code));
    }
}
