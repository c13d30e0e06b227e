package dev.gpuconfig.engine;

import dev.gpuconfig.policy.Adjustments;
import dev.gpuconfig.policy.ConfigurationHistory;
import dev.gpuconfig.policy.Decision;
import dev.gpuconfig.policy.Incident;
import dev.gpuconfig.policy.RecoveryPlan;
import dev.gpuconfig.policy.RequestFacts;

import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.profile.ModelProfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one decision through a rule set: the profile, the request, the GPU catalog and an empty
 * decision go in as facts; the rules fill the decision. Firings are bounded so a looping policy
 * fails one request with a clear error instead of hanging a thread.
 */
public final class DecisionEngine {
    public static final int MAX_FIRINGS = 500;

    private DecisionEngine() {
    }

    /**
     * {@code history} is what the outcome store remembers of the model, one fact per configuration
     * (empty for a decision that must not depend on it: policy tests, comparisons).
     */
    public static Decision decide(RuleSet rs, ModelProfile profile, RequestFacts request, Adjustments adjustments,
                                  List<ConfigurationHistory> history) {
        Decision d = new Decision();
        List<Object> facts = new ArrayList<>(rs.gpus().all().size() + history.size() + 4);
        facts.add(profile);
        facts.add(request);
        facts.add(d);
        if (adjustments != null) {
            facts.add(adjustments);
        }
        for (GpuSpec g : rs.gpus().all()) {
            facts.add(g);
        }
        facts.addAll(history);
        run(rs, facts, d);
        return d;
    }

    /** The rule {@code thread} is firing now, or null: names the rule a stuck thread is in. */
    public static String firing(Thread thread) {
        return FiredRules.firing(thread);
    }

    /** Runs the recovery rules (oom.drl) on a failed deployment; they fill the plan. */
    public static RecoveryPlan recover(RuleSet rs, Incident incident) {
        RecoveryPlan plan = new RecoveryPlan();
        Decision trace = new Decision();
        run(rs, List.of(incident, plan), trace);
        plan.getFiredRules().addAll(trace.getFiredRules());
        return plan;
    }

    /**
     * One bounded run of the rules over {@code facts}; the names of the rules that fire go to
     * {@code trace}, and {@link FiredRules} halts the run at {@link #MAX_FIRINGS}. The session's
     * plain insert-and-fire is used rather than a command batch with a firing limit: building and
     * running the batch's commands costs a sizeable share of an evaluated decision.
     */
    private static void run(RuleSet rs, List<Object> facts, Decision trace) {
        if (!rs.hold()) {
            throw new RuleSetRetiredException(rs.version());
        }
        FiredRules.begin(trace);
        try {
            rs.session().execute(facts);
        } finally {
            FiredRules.end();
            rs.release();
        }
        if (trace.getFiredRules().size() >= MAX_FIRINGS) {
            throw new RuleLoopException(trace.getFiredRules().get(trace.getFiredRules().size() - 1), MAX_FIRINGS);
        }
    }
}
