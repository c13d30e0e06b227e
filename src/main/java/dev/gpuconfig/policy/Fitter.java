package dev.gpuconfig.policy;

import dev.gpuconfig.catalog.PolicySettings;

import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.profile.MemoryMath;
import dev.gpuconfig.profile.ModelProfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Memory arithmetic the fit rules call. A configuration fits when, per GPU, the weights, the
 * overhead and the KV cache for the context target stay inside memory × utilization; the
 * utilization starts at the policy's conservative value and may rise to the ceiling.
 */
public final class Fitter {

    private Fitter() {
    }

    /**
     * Every candidate that fits, single GPUs before several (tensor parallelism only when no single
     * GPU holds the model), each group in the policy's order.
     */
    public static List<Fit> fits(ModelProfile p, Decision d, CandidateList list, UtilizationPolicy u, PolicySettings s) {
        List<Fit> singles = new ArrayList<>();
        List<Fit> multis = new ArrayList<>();
        for (Candidate c : list.getCandidates()) {
            Fit f = fit(p, d, s, c, d.getStartUtilization() != null ? d.getStartUtilization() : u.base());
            if (f != null) {
                (c.count() == 1 ? singles : multis).add(f);
            }
        }
        singles.addAll(multis);
        return singles;
    }

    /** The configuration chosen from {@link #fits}: the first (typed, so a rule needs no cast). */
    public static Fit first(List<Fit> fits) {
        return fits.get(0);
    }

    /** The fallbacks after {@link #first}, in order. */
    public static List<Fit> rest(List<Fit> fits) {
        return List.copyOf(fits.subList(1, fits.size()));
    }

    /** The fit of one configuration, or null when even the ceiling utilization cannot hold it. */
    public static Fit fit(ModelProfile p, Decision d, PolicySettings s, Candidate c, double baseUtilization) {
        double mem = c.gpu().getMemoryGiB();
        int n = c.count();
        double weights = weightsGiB(p, d, s) / n;
        double overhead = overheadGiB(p, d, s, n);
        boolean kvFp8 = c.gpu().getComputeCapability() >= d.getKvFp8MinComputeCapability();
        double kvPerToken = kvBytesPerTokenPerGpu(p, n, kvFp8);
        double needGiB = weights + overhead + d.getContextTarget() * kvPerToken / MemoryMath.GIB;
        double ceiling = d.getUtilizationCap() != null ? Math.min(d.getUtilizationCap(), s.utilizationCeiling()) : s.utilizationCeiling();
        double util = Math.min(baseUtilization, ceiling);
        if (needGiB > mem * util) {
            util = Math.ceil(needGiB / mem * 100 - 1e-9) / 100;
            if (util > ceiling + 1e-9) {
                return null;
            }
        }
        double budget = mem * util;
        double kv = budget - weights - overhead;
        long tokens = (long) Math.floor(kv * MemoryMath.GIB / kvPerToken);
        return new Fit(c, util, mem, budget, weights, overhead, kv, tokens, kvFp8, kvPerToken);
    }

    /** Per-GPU memory besides weights and KV cache, with {@code n} GPUs. */
    static double overheadGiB(ModelProfile p, Decision d, PolicySettings s, int n) {
        return s.overheadBaseGiB() + s.overheadPerBillionGiB() * p.getTotalParamsB() / n + d.getOverheadExtraGiB();
    }

    public static double weightsGiB(ModelProfile p, Decision d, PolicySettings s) {
        if (p.getWeightsBytes() != null && !p.isOnlineQuantization()) {
            return p.getWeightsBytes() / MemoryMath.GIB; // the checkpoint as loaded: no estimate needed
        }
        return MemoryMath.weightsGiB(p.getTotalParamsB(), d.getFormat().getBytesPerParam(), d.getFormat().isEmbeddings16(),
                s.embeddingShare(), s.embeddingMaxBillions());
    }

    /**
     * Tensor parallelism splits KV heads across GPUs; with fewer KV heads than GPUs each GPU holds
     * one. MLA's latent cache is not split: every GPU holds all of it.
     */
    static double kvBytesPerTokenPerGpu(ModelProfile p, int gpus, boolean fp8) {
        double bytes = p.getKvBytesPerToken() * (fp8 ? 0.5 : 1.0);
        if (p.isMla() || gpus == 1) {
            return bytes;
        }
        int kvHeads = p.getKvHeads() == null ? gpus : p.getKvHeads();
        return bytes / Math.min(gpus, kvHeads);
    }

    /** The native context when the KV cache holds it, else what it holds rounded down to a block, never below the target. */
    public static int maxModelLen(ModelProfile p, Fit f, int target, int blockSize) {
        if (f.maxTokensInKvCache() >= p.getNativeContext()) {
            return p.getNativeContext();
        }
        long rounded = f.maxTokensInKvCache() / blockSize * blockSize;
        return (int) Math.max(target, Math.min(rounded, p.getNativeContext()));
    }

    /**
     * Each configuration's own figures as vLLM arguments, the chosen one and every fallback:
     * {@code gpu_memory_utilization}, {@code tensor_parallel_size}, {@code max_model_len} (the
     * chosen one's as the context rules set it, a fallback's by the same arithmetic) and
     * {@code kv_cache_dtype}. In Java because it runs for every fallback of every decision.
     */
    public static void fitArgs(ModelProfile p, Decision d, PolicySettings s) {
        for (Fit f : d.getConfigurations()) {
            int len = f == d.getChosen() ? d.getMaxModelLen()
                    : capped(maxModelLen(p, f, d.getContextTarget(), s.blockSize()), d.getMaxModelLenCap(), d.getContextTarget());
            d.argFor(f, "gpu_memory_utilization", f.utilization());
            d.argFor(f, "tensor_parallel_size", f.candidate().count());
            d.argFor(f, "max_model_len", len);
            d.argFor(f, "kv_cache_dtype", f.kvFp8() ? "fp8" : "auto");
        }
    }

    /** Sets {@code dtype} to {@code value} for every configuration whose GPU's compute capability is below {@code capability}. */
    public static void dtypeBelow(Decision d, double capability, String value) {
        for (Fit f : d.getConfigurations()) {
            if (f.candidate().gpu().getComputeCapability() < capability) {
                d.argFor(f, "dtype", value);
            }
        }
    }

    /** A recovery step's cap on max_model_len (what vLLM reported it could hold), never below the target. */
    public static int capped(int len, Integer cap, int target) {
        return cap == null ? len : Math.max(target, Math.min(len, cap));
    }
}
