package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.DecisionWorkers;
import dev.gpuconfig.decide.PolicyException;
import dev.gpuconfig.decide.RequestReader;

import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.policy.Adjustments;
import dev.gpuconfig.engine.DecisionEngine;
import dev.gpuconfig.policy.Incident;
import dev.gpuconfig.policy.RecoveryPlan;
import dev.gpuconfig.engine.RuleLoopException;
import dev.gpuconfig.engine.RuleSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * POST /v1/oom: the recovery rules classify the failure and choose the step; the failure is stored
 * ({@link OutcomeService}) before anything is answered, and this service turns the step into the
 * next full decision, which sees the stored history like any other, and checks that it fits and
 * differs from what failed. Everything else comes in the request, so any replica can answer the
 * next attempt.
 */
@ApplicationScoped
public class OomService {
    private final DecisionService decisions;
    private final DecisionWorkers workers;
    private final RequestReader requests;
    private final OutcomeService outcomes;

    public OomService(DecisionService decisions, DecisionWorkers workers, RequestReader requests, OutcomeService outcomes) {
        this.decisions = decisions;
        this.outcomes = outcomes;
        this.workers = workers;
        this.requests = requests;
    }

    /** {@link #recover} on a decision thread, so the endpoint can take its body whole on the I/O thread. */
    public CompletionStage<OomResponse> recoverAsync(OomRequest body) {
        requests.check(body);
        return workers.submit(() -> recover(body));
    }

    OomResponse recover(OomRequest body) {
        RuleSet rs = decisions.hold();
        try {
            return recover(rs, body);
        } finally {
            rs.release();
        }
    }

    private OomResponse recover(RuleSet rs, OomRequest body) {
        FailedDeployment failed = FailedDeployment.read(body, rs);
        Incident incident = failed.incident();
        RecoveryPlan first = plan(rs, incident); // classifies the error
        outcomes.failed(rs, body.decision(), failed.gpu(), failed.count(), failed.utilization(), failed.maxModelLen(),
                incident.getErrorClass(), incident.getReportedKvTokens(), body.error());
        for (int round = 0; round < 3; round++) {
            RecoveryPlan plan = round == 0 ? first : plan(rs, incident);
            if (plan.getAction() == null) {
                throw new PolicyException("oom.drl", "the recovery rules chose no action for " + incident.getErrorClass());
            }
            switch (plan.getAction()) {
                case RecoveryPlan.REDUCE_MEMORY -> {
                    DecideResponse next = tryDecide(rs, failed.sameGpu(plan));
                    if (next != null && failed.sameConfiguration(next) && failed.differs(next)) {
                        return answer(plan, incident, next, List.of());
                    }
                    incident.setSameGpuExhausted(true); // the step gave nothing new: the ladder moves on
                }
                case RecoveryPlan.FALLBACK_GPU -> {
                    DecideResponse next = tryDecide(rs, failed.fallbacks());
                    if (next != null && failed.differs(next)) {
                        return answer(plan, incident, next, List.of());
                    }
                    return alternatives(rs, failed, incident, plan);
                }
                case RecoveryPlan.ALTERNATIVE_MODEL -> {
                    return alternatives(rs, failed, incident, plan);
                }
                default -> {
                    return answer(plan, incident, null, List.of());
                }
            }
        }
        return answer(up("no step of the ladder gave a new configuration"), incident, null, List.of());
    }

    private static RecoveryPlan plan(RuleSet rs, Incident incident) {
        try {
            return DecisionEngine.recover(rs, incident);
        } catch (RuleLoopException e) {
            throw new PolicyException(e.rule(), e.getMessage());
        }
    }

    private OomResponse alternatives(RuleSet rs, FailedDeployment failed, Incident incident, RecoveryPlan plan) {
        List<OomResponse.Alternative> alts = new ArrayList<>();
        DecideResponse next = null;
        for (Alternatives.Option o : Alternatives.of(failed.request(), failed.decision(), rs.models())) {
            DecideResponse a = tryDecide(rs, new Attempt(o.request(), null));
            // only what fits, and needs less memory than what failed
            if (a != null && a.profile().weightsGiB() < failed.decision().profile().weightsGiB()) {
                alts.add(new OomResponse.Alternative(o.request().model(), o.reason()));
                if (next == null) {
                    next = a;
                }
            }
        }
        if (next == null) {
            return answer(up("no GPU configuration of the policy holds " + failed.decision().model()
                    + " and no smaller or quantized alternative is known"), incident, null, List.of());
        }
        plan.decide(RecoveryPlan.ALTERNATIVE_MODEL, plan.getReason() + "; serve an alternative model");
        return answer(plan, incident, next, alts);
    }

    private static RecoveryPlan up(String reason) {
        RecoveryPlan p = new RecoveryPlan();
        p.decide(RecoveryPlan.GIVE_UP, reason);
        return p;
    }

    private static OomResponse answer(RecoveryPlan plan, Incident incident, DecideResponse next, List<OomResponse.Alternative> alts) {
        return new OomResponse(plan.getAction(), next, alts, plan.getReason(), incident.getErrorClass(), plan.getFiredRules());
    }

    private DecideResponse tryDecide(RuleSet rs, Attempt a) {
        try {
            DecideResponse r = decisions.decide(rs, a.request(), a.adjustments());
            return Boolean.FALSE.equals(r.pinnedGpuFits()) ? null : r;
        } catch (DecideException e) {
            if (e instanceof PolicyException) {
                throw e;
            }
            return null;
        }
    }

    /** A decide request and the recovery step's changes to it. */
    record Attempt(DecideRequest request, Adjustments adjustments) {
    }

    /** The decision that failed, as the caller sent it back. */
    record FailedDeployment(DecideResponse decision, DecideRequest request, GpuSpec gpu, int count, double utilization,
                            int maxModelLen, Integer maxNumSeqs, boolean enforceEager, List<Candidate> fallbackConfigs,
                            String error, int attempt) {

        static FailedDeployment read(OomRequest body, RuleSet rs) {
            return FailedDecisionReader.read(body, rs);
        }

        Incident incident() {
            return new Incident(error, attempt, gpu.getName(), count, utilization, maxModelLen, decision.contextTarget(),
                    maxNumSeqs, enforceEager, !fallbackConfigs.isEmpty());
        }

        Attempt sameGpu(RecoveryPlan plan) {
            Adjustments adj = new Adjustments();
            // the same configuration first; the failed decision's fallbacks stay the fallbacks
            List<Candidate> candidates = new ArrayList<>();
            candidates.add(new Candidate(gpu, count));
            candidates.addAll(fallbackConfigs);
            adj.setCandidates(candidates);
            adj.setUtilization(plan.getUtilization() != null ? plan.getUtilization() : utilization);
            adj.setUtilizationCap(plan.getUtilizationCap());
            adj.setMaxModelLenCap(plan.getMaxModelLenCap() != null ? plan.getMaxModelLenCap() : maxModelLen);
            if (maxNumSeqs != null) {
                adj.getEngineArgs().put("max_num_seqs", maxNumSeqs);
            }
            if (enforceEager) {
                adj.getEngineArgs().put("enforce_eager", true);
            }
            adj.getEngineArgs().putAll(plan.getEngineArgs());
            return new Attempt(request, adj);
        }

        Attempt fallbacks() {
            Adjustments adj = new Adjustments();
            adj.setCandidates(fallbackConfigs);
            return new Attempt(request, adj);
        }

        /** The same GPU type and count as what failed (a same-GPU step that moved elsewhere did not apply). */
        boolean sameConfiguration(DecideResponse next) {
            return next.gpu().equals(gpu.getName()) && next.gpuCount() == count;
        }

        boolean differs(DecideResponse next) {
            Map<String, Object> a = next.engineArgs();
            return !(next.gpu().equals(gpu.getName()) && next.gpuCount() == count
                    && Math.abs(next.memoryUtilization() - utilization) < 1e-9
                    && Objects.equals(a.get("max_model_len"), maxModelLen)
                    && Objects.equals(a.get("max_num_seqs"), maxNumSeqs)
                    && Boolean.TRUE.equals(a.get("enforce_eager")) == enforceEager);
        }
    }
}
