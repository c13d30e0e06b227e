package dev.gpuconfig.engine;

/** A rule set fired more rules than any sane decision needs: most likely a rule that re-fires itself. */
public class RuleLoopException extends RuntimeException {
    private final String rule;

    public RuleLoopException(String rule, int firings) {
        super("the rules fired " + firings + " times without finishing; the last rule to fire was '" + rule
                + "' (a rule that keeps re-firing, e.g. a modify without a guard)");
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }
}
