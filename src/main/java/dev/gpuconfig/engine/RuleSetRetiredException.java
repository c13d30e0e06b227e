package dev.gpuconfig.engine;

/** A run asked of a rule set that was replaced and disposed: the caller should use the rule set in force. */
public class RuleSetRetiredException extends RuntimeException {
    public RuleSetRetiredException(String version) {
        super("rule set " + version + " was replaced while the request was on its way; ask again");
    }
}
