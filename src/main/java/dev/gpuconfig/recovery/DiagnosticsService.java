package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.DecisionWorkers;
import dev.gpuconfig.decide.RequestReader;

import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.policy.Warning;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POST /v1/diagnostics, the seed's start-up check: does the decision hold on the device the
 * container sees? vLLM refuses to start when free memory is below utilization × total, so that
 * is checked first, and a lower utilization is offered when the model still fits under it.
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

    public record Report(boolean ok, double memoryUtilization, Integer maxModelLen, List<Warning> warnings, String summary) {
    }

    Report check(DiagnosticsRequest body) {
        RuleSet rs = decisions.ruleSet(); // reads its catalogs and settings only: no rules run
        SentDecision d = body.decision();
        DiagnosticsRequest.Device dev = body.device();
        GpuSpec gpu = rs.gpus().find(d.gpu()).orElseThrow(() -> DecideException.invalid("decision.gpu '" + d.gpu() + "' is not a known GPU"));
        double util = d.memoryUtilization();
        SentDecision.Memory mem = d.memory();
        if (mem == null) {
            throw DecideException.invalid("decision.memory must carry weightsGiB, overheadGiB and kvBytesPerTokenPerGpu as the decision gave them");
        }
        String name = dev.name();
        double total = dev.totalMiB();
        double free = dev.freeMiB();
        if (free > total) {
            throw DecideException.invalid("device.freeMiB cannot exceed device.totalMiB");
        }
        int maxLen = d.engineArgs().max_model_len();
        int target = d.contextTarget() != null ? d.contextTarget() : maxLen;
        double need = mem.weightsGiB() + mem.overheadGiB();
        double kvPerToken = mem.kvBytesPerTokenPerGpu();

        List<Warning> warnings = new ArrayList<>();
        boolean ok = true;
        String seen = modalName(name);
        if (seen != null && !seen.equals(gpu.getName())) {
            warnings.add(new Warning("GPU_MISMATCH", "the decision is for " + gpu.getName() + " but the container has " + name));
        }
        double totalGiB = total / MIB_PER_GIB;
        if (totalGiB < gpu.getMemoryGiB() * 0.97) {
            warnings.add(new Warning("GPU_SMALLER_THAN_CATALOG", String.format(Locale.ROOT,
                    "%.1f GiB on the device, %.1f GiB in the catalog for %s", totalGiB, gpu.getMemoryGiB(), gpu.getName())));
        }
        double newUtil = util;
        Integer newLen = maxLen > 0 ? maxLen : null;
        if (free < util * total) {
            newUtil = Math.floor((free / total - 0.01) * 100) / 100;
            double budget = newUtil * totalGiB;
            long tokens = (long) Math.floor((budget - need) * 1024 * 1024 * 1024 / kvPerToken);
            int block = rs.settings().blockSize();
            if (maxLen > 0 && tokens >= maxLen) {
                warnings.add(new Warning("UTILIZATION_LOWERED", String.format(Locale.ROOT,
                        "only %.0f of %.0f MiB free: vLLM would refuse %.2f; %.2f still holds max_model_len %d", free, total, util, newUtil, maxLen)));
            } else if (tokens >= target && tokens >= block) {
                newLen = (int) (tokens / block * block);
                warnings.add(new Warning("MAX_MODEL_LEN_LOWERED", String.format(Locale.ROOT,
                        "only %.0f of %.0f MiB free: at utilization %.2f the KV cache holds %d tokens; set max_model_len %d", free, total, newUtil, tokens, newLen)));
            } else {
                ok = false;
                newUtil = util;
                warnings.add(new Warning("FREE_MEMORY_INSUFFICIENT", String.format(Locale.ROOT,
                        "only %.0f of %.0f MiB free: the model does not fit; free the GPU or ask POST /v1/oom for the next configuration", free, total)));
            }
        }
        String summary = String.format(Locale.ROOT, "%s on %s (%s, %.0f MiB, %.0f free%s%s): utilization %.2f, max_model_len %s, %s",
                d.model(), gpu.getName(), name, total, free,
                dev.driver() != null ? ", driver " + dev.driver() : "",
                dev.cuda() != null ? ", CUDA " + dev.cuda() : "",
                newUtil, newLen, ok ? "ready to start" : "will not start");
        return new Report(ok, newUtil, newLen, warnings, summary);
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
