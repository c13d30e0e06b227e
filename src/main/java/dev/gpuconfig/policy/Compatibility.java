package dev.gpuconfig.policy;

import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.profile.ModelProfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Which candidates vLLM can start at all, whatever the memory: the format's minimum compute
 * capability, Modal's most GPUs per container, and tensor parallelism that divides the attention
 * heads and the KV heads evenly.
 */
public final class Compatibility {

    private Compatibility() {
    }

    public static List<Candidate> keep(ModelProfile p, Decision d, CandidateList list) {
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : list.getCandidates()) {
            String why = reason(p, d, c);
            if (why == null) {
                kept.add(c);
            } else {
                d.getExcluded().add(c.label() + ": " + why);
            }
        }
        return kept;
    }

    static String reason(ModelProfile p, Decision d, Candidate c) {
        double cc = c.gpu().getComputeCapability();
        double min = d.getFormat().getMinComputeCapability();
        if (cc + 1e-9 < min) {
            return p.getQuantization() + (p.isMoe() ? " (mixture of experts)" : "") + " needs compute capability " + min
                    + ", " + c.gpu().getName() + " has " + cc;
        }
        if (c.count() > c.gpu().getMaxPerContainer()) {
            return "at most " + c.gpu().getMaxPerContainer() + " per container";
        }
        int n = c.count();
        if (n > 1) {
            Integer heads = p.getAttentionHeads();
            Integer kv = p.getKvHeads();
            if (heads != null && heads % n != 0) {
                return heads + " attention heads do not split over " + n + " GPUs";
            }
            if (kv != null && !p.isMla() && kv % n != 0 && n % kv != 0) {
                return kv + " KV heads do not split over " + n + " GPUs";
            }
        }
        return null;
    }
}
