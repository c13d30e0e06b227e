package dev.gpuconfig.decide;

import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.engine.DecisionEngine;
import dev.gpuconfig.engine.RuleLoopException;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RuleSetRetiredException;
import dev.gpuconfig.policy.Adjustments;
import dev.gpuconfig.policy.ConfigurationHistory;
import dev.gpuconfig.policy.Decision;
import dev.gpuconfig.policy.RequestFacts;
import dev.gpuconfig.profile.ModelProfile;
import org.kie.api.runtime.rule.ConsequenceException;

import java.util.List;

import static dev.gpuconfig.profile.MemoryMath.round;

/**
 * One evaluation of a request on a given rule set: the model profile (request, catalog, name),
 * the rules, and the answer. Nothing is remembered here, so policy tests, recovery steps and the
 * offline check see exactly what the rules decide; the service's cache sits above it.
 */
public final class Decider {
    private Decider() {
    }

    /** The policy's answer without any remembered outcome: policy tests and comparisons of rule sets. */
    public static DecideResponse decide(RuleSet rs, DecideRequest req) {
        return decide(rs, req, null, List.of());
    }

    /**
     * A decision that sees what the outcome store remembers of the model ({@code history}, one
     * fact per configuration; null when the store cannot be read) and may be changed by a recovery step (POST /v1/oom;
     * {@code adjustments} may be null).
     */
    public static DecideResponse decide(RuleSet rs, DecideRequest req, Adjustments adjustments, List<ConfigurationHistory> history) {
        String pinned = null;
        if (req.gpu() != null) {
            pinned = rs.gpus().find(req.gpu()).map(GpuSpec::getName).orElseThrow(() -> DecideException.invalid(
                    "gpu '" + req.gpu() + "' is not one of " + rs.gpus().all()));
        }
        ModelProfile profile = ProfileBuilder.build(req, rs.models(), rs.settings());
        if (req.contextLength() != null && profile.isNativeContextKnown() && req.contextLength() > profile.getNativeContext()) {
            throw DecideException.invalid("contextLength " + req.contextLength() + " is above the model's native context of "
                    + profile.getNativeContext() + " tokens (vLLM refuses a longer max_model_len)");
        }
        Decision d;
        try {
            d = DecisionEngine.decide(rs, profile, new RequestFacts(req.contextLength(), pinned), adjustments,
                    history == null ? List.of() : history);
        } catch (ConsequenceException e) {
            String rule = e.getMatch() == null ? "?" : e.getMatch().getRule().getName();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PolicyException(rule, "rule '" + rule + "' failed: " + cause);
        } catch (RuleLoopException e) {
            throw new PolicyException(e.rule(), e.getMessage());
        } catch (RuleSetRetiredException e) {
            throw DecideException.busy("Rules changed", e.getMessage());
        }
        if (d.getChosen() == null) {
            throw DecideException.unservable("No configuration fits", "no candidate of the policy holds " + req.model()
                    + " (" + round(profile.getTotalParamsB(), 1) + "B parameters, " + profile.getQuantization()
                    + ") with a " + d.getContextTarget() + "-token context; try a quantized variant or a smaller model"
                    + (d.getExcluded().isEmpty() ? "" : "; excluded: " + d.getExcluded()));
        }
        profile.getNotes().forEach(n -> d.warn(n.code(), n.message()));
        if (history == null) {
            d.warn("HISTORY_UNAVAILABLE", "the outcome store cannot be read now: reported failures of this model are not taken into account");
        }
        return DecideResponse.of(rs.version(), req, profile, d);
    }
}
