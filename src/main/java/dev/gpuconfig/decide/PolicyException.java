package dev.gpuconfig.decide;

/** The active policy failed on a request (a rule threw or kept re-firing); names the rule. */
public class PolicyException extends DecideException {
    private final String rule;

    public PolicyException(String rule, String detail) {
        super(Kind.POLICY_FAILED, "Policy error", detail);
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }
}
