package dev.gpuconfig.engine;

import dev.gpuconfig.policy.Decision;

import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;

/**
 * Records the name of every rule that fires into the decision being made on this thread, so
 * answers can say which rules decided (decision-table rows included). A stateless session runs
 * on the caller's thread, which makes a thread-local the cheapest correct link. It also bounds a
 * run: at {@link DecisionEngine#MAX_FIRINGS} firings it halts the session, which ends only this
 * run (the pool resets the session before it serves the next one).
 */
final class FiredRules extends DefaultAgendaEventListener {
    private static final ThreadLocal<Decision> CURRENT = new ThreadLocal<>();

    static void begin(Decision d) {
        CURRENT.set(d);
    }

    static void end() {
        CURRENT.remove();
    }

    @Override
    public void afterMatchFired(AfterMatchFiredEvent event) {
        Decision d = CURRENT.get();
        if (d != null) {
            d.getFiredRules().add(event.getMatch().getRule().getName());
            if (d.getFiredRules().size() >= DecisionEngine.MAX_FIRINGS) {
                event.getKieRuntime().halt();
            }
        }
    }
}
