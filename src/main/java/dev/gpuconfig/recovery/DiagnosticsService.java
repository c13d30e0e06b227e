package dev.gpuconfig.recovery;

import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.DecisionWorkers;
import dev.gpuconfig.decide.PolicyException;
import dev.gpuconfig.decide.RequestReader;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.policy.Adjustments;
import dev.gpuconfig.policy.Warning;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POST /v1/diagnostics, at container start: does the model run on the GPUs this container got,
 * and with which arguments? The same request is decided again, pinned to the device's type and
 * count, with a utilization no higher than its free memory allows (vLLM refuses to start when
 * free memory is below utilization x total). {@code ok} only when the model fits there, and then
 * the answer carries the whole engine arguments and environment to start with; otherwise it says
 * why and which configuration of the policy would fit.
 */
@ApplicationScoped
public class DiagnosticsService {
    // An nvidia-smi name to a Modal GPU name; "L40S" is listed before "L4" and \b keeps them apart.
    private static final Pattern SMI_GPU = Pattern.compile("\\b(B200|H200|H100|L40S|A10G|L4|T4)\\b");
    private static final double MIB_PER_GIB = 1024.0;
    private final DecisionService decisions;
    private final DecisionWorkers workers;
    private final RequestReader requests;

    public DiagnosticsService(DecisionService decisions, DecisionWorkers workers, RequestReader requests) {
        this.decisions = decisions;
        this.workers = workers;
        this.requests = requests;
    }

    /** {@link #check} on a decision thread, so the endpoint can take its body whole on the I/O thread. */
    public CompletionStage<Report> checkAsync(DiagnosticsRequest body) {
        requests.check(body);
        return workers.submit(() -> check(body));
    }

    /**
     * @param engineArgs  and {@code env}: what to start vLLM with on this device (ok answers only)
     * @param smallestFit the policy's own configuration for the model, when it does not run here
     */
    public record Report(boolean ok, double memoryUtilization, Integer maxModelLen, String gpu, int gpuCount,
                         Map<String, Object> engineArgs, Map<String, String> env, Fit smallestFit, List<Warning> warnings,
                         String summary) {
    }

    /** A configuration: where a model runs, at what utilization and length. */
    public record Fit(String gpu, int gpuCount, double memoryUtilization, int maxModelLen) {
        static Fit of(DecideResponse r) {
            return new Fit(r.gpu(), r.gpuCount(), r.memoryUtilization(), ((Number) r.engineArgs().get("max_model_len")).intValue());
        }
    }

    Report check(DiagnosticsRequest body) {
        RuleSet rs = decisions.hold();
        try {
            return check(rs, body.decision(), body.device());
        } finally {
            rs.release();
        }
    }

    private Report check(RuleSet rs, SentDecision d, DiagnosticsRequest.Device dev) {
        GpuSpec decided = rs.gpus().find(d.gpu()).orElseThrow(() -> DecideException.invalid("decision.gpu '" + d.gpu() + "' is not a known GPU"));
        if (dev.freeMiB() > dev.totalMiB()) {
            throw DecideException.invalid("device.freeMiB cannot exceed device.totalMiB");
        }
        int count = dev.count() != null ? dev.count() : d.gpuCount();
        String seenName = modalName(dev.name());
        GpuSpec device = seenName == null ? null : rs.gpus().find(seenName).orElse(null);
        List<Warning> warnings = new ArrayList<>();
        if (device != null && !device.getName().equals(decided.getName())) {
            warnings.add(new Warning("GPU_MISMATCH", "the decision is for " + decided.getName() + " but the container has " + dev.name()));
        }
        if (count != d.gpuCount()) {
            warnings.add(new Warning("GPU_COUNT_MISMATCH", "the decision is for " + d.gpuCount() + " GPU(s) but the container sees " + count));
        }
        if (device == null) {
            warnings.add(new Warning("GPU_UNKNOWN", "the catalog has no GPU type for " + dev.name()));
            return refused(d, dev, count, decisions.decide(rs, d.request(), null), warnings, "the catalog does not know this GPU");
        }
        double totalGiB = dev.totalMiB() / MIB_PER_GIB;
        if (totalGiB < device.getMemoryGiB() * 0.97) {
            warnings.add(new Warning("GPU_SMALLER_THAN_CATALOG", String.format(Locale.ROOT,
                    "%.1f GiB on the device, %.1f GiB in the catalog for %s", totalGiB, device.getMemoryGiB(), device.getName())));
        }
        double cap = Math.floor((dev.freeMiB() / dev.totalMiB() - 0.01) * 100) / 100;
        DecideResponse here = cap <= 0 ? null : pinned(rs, d, device, count, cap);
        if (here == null) {
            DecideResponse policy = decisions.decide(rs, d.request(), null); // only a refusal says where the model fits
            boolean freeIsShort = cap < rs.settings().utilizationCeiling() && pinned(rs, d, device, count, 1.0) != null;
            warnings.add(freeIsShort
                    ? new Warning("FREE_MEMORY_INSUFFICIENT", String.format(Locale.ROOT, "only %.0f of %.0f MiB free: the model does not fit;"
                    + " free the GPU or ask POST /v1/oom for the next configuration", dev.freeMiB(), dev.totalMiB()))
                    : new Warning("DEVICE_TOO_SMALL", d.model() + " does not fit on " + count + " x " + device.getName()
                    + "; it needs " + policy.gpuCount() + " x " + policy.gpu()));
            return refused(d, dev, count, policy, warnings, freeIsShort ? "not enough free memory" : "the model does not fit on this device");
        }
        int maxLen = ((Number) here.engineArgs().get("max_model_len")).intValue();
        if (here.memoryUtilization() < d.memoryUtilization() - 1e-9) {
            warnings.add(new Warning("UTILIZATION_LOWERED", String.format(Locale.ROOT, "only %.0f of %.0f MiB free: vLLM would refuse %.2f;"
                    + " %.2f holds max_model_len %d", dev.freeMiB(), dev.totalMiB(), d.memoryUtilization(), here.memoryUtilization(), maxLen)));
        }
        if (maxLen < d.engineArgs().max_model_len()) {
            warnings.add(new Warning("MAX_MODEL_LEN_LOWERED", "max_model_len " + d.engineArgs().max_model_len() + " does not fit here; "
                    + maxLen + " does"));
        }
        return new Report(true, here.memoryUtilization(), maxLen, here.gpu(), here.gpuCount(), here.engineArgs(), here.env(), null,
                warnings, summary(d, dev, count, here.memoryUtilization(), maxLen, "ready to start"));
    }

    /** The request decided on exactly {@code count} x {@code gpu}, at a utilization no higher than {@code cap}; null when it does not fit. */
    private DecideResponse pinned(RuleSet rs, SentDecision d, GpuSpec gpu, int count, double cap) {
        Adjustments adj = new Adjustments();
        adj.setCandidates(List.of(new Candidate(gpu, count)));
        adj.setUtilizationCap(Math.min(cap, rs.settings().utilizationCeiling()));
        try {
            DecideResponse r = decisions.decide(rs, d.request(), adj);
            return r.gpu().equals(gpu.getName()) && r.gpuCount() == count ? r : null;
        } catch (PolicyException e) {
            throw e;
        } catch (DecideException e) {
            return null;
        }
    }

    private static Report refused(SentDecision d, DiagnosticsRequest.Device dev, int count, DecideResponse policy,
                                  List<Warning> warnings, String why) {
        return new Report(false, d.memoryUtilization(), d.engineArgs().max_model_len(), d.gpu(), count, null, null, Fit.of(policy),
                warnings, summary(d, dev, count, d.memoryUtilization(), d.engineArgs().max_model_len(), "will not start: " + why
                        + "; it fits on " + policy.gpuCount() + " x " + policy.gpu()));
    }

    private static String summary(SentDecision d, DiagnosticsRequest.Device dev, int count, double util, int maxLen, String verdict) {
        return String.format(Locale.ROOT, "%s on %d x %s (%.0f MiB, %.0f free%s%s): utilization %.2f, max_model_len %d, %s",
                d.model(), count, dev.name(), dev.totalMiB(), dev.freeMiB(),
                dev.driver() != null ? ", driver " + dev.driver() : "", dev.cuda() != null ? ", CUDA " + dev.cuda() : "",
                util, maxLen, verdict);
    }

    /** The Modal name of an nvidia-smi GPU name, or null when unknown. */
    static String modalName(String smi) {
        String s = smi.toUpperCase(Locale.ROOT);
        if (s.contains("A100")) {
            return s.contains("80") ? "A100-80GB" : "A100-40GB";
        }
        Matcher m = SMI_GPU.matcher(s);
        return m.find() ? m.group(1) : null;
    }
}
