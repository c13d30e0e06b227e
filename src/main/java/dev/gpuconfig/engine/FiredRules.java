package dev.gpuconfig.engine;

import dev.gpuconfig.policy.Decision;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
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
    /** The rule each thread is firing now, for {@link #firing(Thread)}: a thread stuck in a rule names it. */
    private static final Map<Thread, String> FIRING = new ConcurrentHashMap<>();

    static void begin(Decision d) {
        CURRENT.set(d);
    }

    static void end() {
        CURRENT.remove();
        FIRING.remove(Thread.currentThread());
    }

    /** The rule {@code thread} is firing now, or null. */
    static String firing(Thread thread) {
        return FIRING.get(thread);
    }

    @Override
    public void beforeMatchFired(BeforeMatchFiredEvent event) {
        FIRING.put(Thread.currentThread(), event.getMatch().getRule().getName());
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
