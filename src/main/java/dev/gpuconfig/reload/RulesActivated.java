package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleSet;

/**
 * Fired on the load path right after {@code current} replaced {@code previous}, before the
 * replaced rule set is retired: an observer that needs it longer holds it ({@link RuleSet#hold()}).
 * Observers must return at once; the activation does not wait for their work.
 */
public record RulesActivated(RuleSet previous, RuleSet current) {
}
