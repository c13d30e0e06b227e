package dev.gpuconfig.policy;

import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.catalog.GpuCatalog;
import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.catalog.PolicySettings;
import dev.gpuconfig.profile.MemoryMath;
import dev.gpuconfig.profile.ModelProfile;

import java.util.ArrayList;
import java.util.List;

/**
 * What history.drl does with the outcomes of a model: the arithmetic and the wording, so the rules
 * say only when. Nothing here decides on its own: a rule calls it with the facts it matched.
 */
public final class History {
    /** How far below the lowest utilization that failed the fit stays, when no other configuration is left. */
    public static final double UTILIZATION_STEP = 0.05;
    /** Reported KV caches this close to the estimate are the estimate's own rounding, not a correction. */
    private static final double NOISE_GIB = 0.05;

    private History() {
    }

    /**
     * The candidates without those that failed repeatedly ({@code failed}), with a warning naming
     * each failure. When that would leave none, every candidate stays and the fit keeps
     * gpu_memory_utilization {@link #UTILIZATION_STEP} below the lowest that failed, as long as one
     * of them still holds the context target that way; otherwise the answer is what it would have
     * been, and says so.
     */
    public static List<Candidate> avoid(ModelProfile p, CandidateList list, List<ConfigurationHistory> failed, Decision d,
                                        PolicySettings s) {
        int windowDays = s.historyWindowDays();
        List<Candidate> keep = new ArrayList<>();
        List<ConfigurationHistory> avoided = new ArrayList<>();
        for (Candidate c : list.getCandidates()) {
            ConfigurationHistory h = of(c, failed);
            if (h == null) {
                keep.add(c);
            } else {
                avoided.add(h);
            }
        }
        if (avoided.isEmpty()) {
            return list.getCandidates();
        }
        if (!keep.isEmpty()) {
            for (ConfigurationHistory h : avoided) {
                d.warn("AVOIDED_AFTER_FAILURES", h.label() + " failed " + times(h) + " in the last " + windowDays
                        + " days (" + String.join(", ", h.getErrorClasses()) + "); the next configuration of the policy is used");
            }
            return keep;
        }
        double lowest = avoided.stream().filter(h -> h.getLowestFailedUtilization() != null)
                .mapToDouble(ConfigurationHistory::getLowestFailedUtilization).min().orElse(Double.NaN);
        String what = "every configuration failed repeatedly in the last " + windowDays + " days: "
                + avoided.stream().map(h -> h.label() + " " + times(h) + " (" + String.join(", ", h.getErrorClasses()) + ")").toList();
        Double before = d.getUtilizationCap();
        if (!Double.isNaN(lowest)) {
            double cap = MemoryMath.round(lowest - UTILIZATION_STEP, 2);
            d.setUtilizationCap(before == null ? cap : Math.min(before, cap));
            for (Candidate c : list.getCandidates()) {
                if (Fitter.fit(p, d, s, c, d.getUtilizationCap()) != null) {
                    d.warn("REPEATED_FAILURES", what + "; gpu_memory_utilization is kept at most " + d.getUtilizationCap());
                    return list.getCandidates();
                }
            }
            d.setUtilizationCap(before);
        }
        d.warn("REPEATED_FAILURES", what + "; no lower gpu_memory_utilization holds the context target, so the answer is"
                + " the policy's own: report the next failure to POST /v1/oom for a recovery step");
        return list.getCandidates();
    }

    /**
     * Raises the model's per-GPU overhead by the largest gap, over every report, between the KV
     * cache the estimate gives a configuration at the reported utilization and the smaller one
     * vLLM reported on it: the estimate left out memory
     * this model uses, and every configuration of it needs that memory too. A report at or above
     * the estimate changes nothing (the estimate stays on the safe side).
     */
    public static void correctKvEstimate(ModelProfile p, Decision d, List<ConfigurationHistory> reports, GpuCatalog gpus,
                                         PolicySettings s) {
        double worst = 0;
        String said = null;
        for (ConfigurationHistory h : reports) {
            GpuSpec gpu = gpus.find(h.getGpu()).orElse(null);
            if (gpu == null) {
                continue;
            }
            int n = h.getGpuCount();
            for (ConfigurationHistory.KvReport r : h.getKvReports()) {
                boolean fp8 = r.fp8() != null ? r.fp8() : gpu.getComputeCapability() >= d.getKvFp8MinComputeCapability();
                double perToken = Fitter.kvBytesPerTokenPerGpu(p, n, fp8);
                double kvGiB = gpu.getMemoryGiB() * r.utilization() - Fitter.weightsGiB(p, d, s) / n - Fitter.overheadGiB(p, d, s, n);
                double gap = kvGiB - r.tokens() * perToken / MemoryMath.GIB;
                if (gap > Math.max(worst, NOISE_GIB)) {
                    worst = gap;
                    said = "vLLM reported " + r.tokens() + " tokens of KV cache on " + h.label()
                            + " at gpu_memory_utilization " + r.utilization() + " where the estimate was "
                            + (long) (kvGiB * MemoryMath.GIB / perToken);
                }
            }
        }
        if (said != null) {
            // the gap itself, not rounded: the corrected estimate then gives what vLLM reported
            d.setOverheadExtraGiB(d.getOverheadExtraGiB() + worst);
            d.warn("KV_CACHE_REPORTED", said + "; " + MemoryMath.round(worst, 2) + " GiB more per GPU is assumed for this model");
        }
    }

    private static ConfigurationHistory of(Candidate c, List<ConfigurationHistory> histories) {
        for (ConfigurationHistory h : histories) {
            if (h.getGpuCount() == c.count() && h.getGpu().equalsIgnoreCase(c.gpu().getName())) {
                return h;
            }
        }
        return null;
    }

    private static String times(ConfigurationHistory h) {
        return h.getFailures() == 1 ? "once" : h.getFailures() + " times";
    }
}
