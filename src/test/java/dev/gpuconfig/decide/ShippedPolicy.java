package dev.gpuconfig.decide;

import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RuleSetBuilder;

import java.nio.file.Path;

/** The shipped rules/ folder, compiled once through the real Drools engine for the tests of a JVM. */
public final class ShippedPolicy {
    private static RuleSet ruleSet;

    private ShippedPolicy() {
    }

    public static synchronized RuleSet get() {
        if (ruleSet == null) {
            RuleSetBuilder.Result r = new RuleSetBuilder(4).build(RuleFolder.read(Path.of("rules")));
            if (!r.ok()) {
                throw new AssertionError("the shipped rules do not build: " + r.problems());
            }
            ruleSet = r.ruleSet();
        }
        return ruleSet;
    }

    public static DecideResponse decide(String model) {
        return Decider.decide(get(), DecideRequest.of(model));
    }

    public static DecideResponse decide(DecideRequest req) {
        return Decider.decide(get(), req);
    }
}
