package dev.gpuconfig.decide;

/** The active policy failed on a request (a rule threw or kept re-firing): a 500 that names the rule. */
public class PolicyException extends DecideException {
    private final String rule;

    public PolicyException(String rule, String detail) {
        super(500, "Policy error", detail);
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }
}
