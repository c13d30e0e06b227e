package dev.gpuconfig.decide;

import dev.gpuconfig.engine.CandidateCheck;
import dev.gpuconfig.engine.PolicyTests;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleProblem;
import dev.gpuconfig.engine.RuleSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Runs a folder's policy tests on a candidate rule set through the same decide flow that serves
 * requests, so a test passes exactly when production would answer that way.
 */
@ApplicationScoped
public class PolicyTestRunner implements CandidateCheck {

    /** A policy-test case and what {@code rs} answers for it (or why it refuses). */
    public record CaseAnswer(String file, String model, Integer contextLength, String pinGpu, Answer answer, String problem) {
    }

    /** Where and how the model runs. */
    public record Answer(String gpu, int gpuCount, double memoryUtilization, int maxModelLen) {
    }

    /** Every case of the folder's policy tests with the answer of {@code rs}: for the policy authors' page. */
    public List<CaseAnswer> answers(RuleSet rs, RuleFolder folder) {
        return PolicyTests.cases(folder).stream().map(c -> {
            try {
                DecideResponse a = Decider.decide(rs, new DecideRequest(c.model(), c.contextLength(), null, null, null, c.pinGpu()));
                return new CaseAnswer(c.file(), c.model(), c.contextLength(), c.pinGpu(), new Answer(a.gpu(), a.gpuCount(),
                        a.memoryUtilization(), ((Number) a.engineArgs().get("max_model_len")).intValue()), null);
            } catch (DecideException e) {
                return new CaseAnswer(c.file(), c.model(), c.contextLength(), c.pinGpu(), null, e.title() + ": " + e.getMessage());
            }
        }).toList();
    }

    @Override
    public List<RuleProblem> check(RuleSet candidate, RuleFolder folder) {
        return PolicyTests.run(folder, c -> {
            try {
                DecideResponse a = Decider.decide(candidate, new DecideRequest(c.model(), c.contextLength(), null, null, null, c.pinGpu()));
                return new PolicyTests.Outcome(a.gpu(), a.gpuCount(), a.memoryUtilization(),
                        ((Number) a.engineArgs().get("max_model_len")).intValue(), null);
            } catch (DecideException e) {
                return PolicyTests.Outcome.failed(e.title() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                return PolicyTests.Outcome.failed("the rules failed: " + e);
            }
        });
    }
}
