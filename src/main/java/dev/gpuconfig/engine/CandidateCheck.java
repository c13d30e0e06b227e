package dev.gpuconfig.engine;

import java.util.List;

/** What a compiled rule set must pass before it may serve: the policy tests of its folder. */
@FunctionalInterface
public interface CandidateCheck {
    List<RuleProblem> check(RuleSet candidate, RuleFolder folder);
}
