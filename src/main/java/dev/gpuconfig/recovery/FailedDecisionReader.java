package dev.gpuconfig.recovery;

import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.Decider;
import dev.gpuconfig.decide.PolicyException;
import dev.gpuconfig.engine.RuleSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a checked POST /v1/oom body into the deployment that failed: its GPUs as the rule set's
 * catalog knows them, and the decision recomputed from the same request, so the model's profile
 * cannot be forged.
 */
final class FailedDecisionReader {

    private FailedDecisionReader() {
    }

    static OomService.FailedDeployment read(OomRequest body, RuleSet rs) {
        SentDecision d = body.decision();
        GpuSpec gpu = gpu(rs, d.gpu(), "decision.gpu");
        List<Candidate> fallbacks = new ArrayList<>();
        if (d.fallbacks() != null) {
            for (SentDecision.Fallback f : d.fallbacks()) {
                fallbacks.add(new Candidate(gpu(rs, f.gpu(), "decision.fallbacks[].gpu"), f.gpuCount()));
            }
        }
        DecideResponse recomputed;
        try {
            recomputed = Decider.decide(rs, d.request());
        } catch (PolicyException e) {
            throw e;
        } catch (DecideException e) {
            throw DecideException.invalid("the failed decision cannot be reproduced: " + e.getMessage());
        }
        SentDecision.EngineArgs args = d.engineArgs();
        return new OomService.FailedDeployment(recomputed, d.request().withContext(recomputed.contextTarget()),
                gpu, d.gpuCount(), d.memoryUtilization(), args.max_model_len(), args.max_num_seqs(),
                Boolean.TRUE.equals(args.enforce_eager()), fallbacks, body.error(), body.attempt() == null ? 1 : body.attempt());
    }

    private static GpuSpec gpu(RuleSet rs, String name, String field) {
        return rs.gpus().find(name).orElseThrow(() -> DecideException.invalid(field + " '" + name + "' is not one of " + rs.gpus().all()));
    }
}
