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
    /**
     * The rule each thread is firing now, for {@link #firing(Thread)}: a thread stuck in a rule
     * names it. One slot per thread, registered once, so a firing costs a plain write.
     */
    private static final Map<Thread, String[]> FIRING = new ConcurrentHashMap<>();
    private static final ThreadLocal<String[]> SLOT = ThreadLocal.withInitial(() -> {
        String[] slot = new String[1];
        FIRING.put(Thread.currentThread(), slot);
        return slot;
    });

    static void begin(Decision d) {
        CURRENT.set(d);
    }

    static void end() {
        CURRENT.remove();
        SLOT.get()[0] = null;
    }

    /** The rule {@code thread} is firing now, or null. */
    static String firing(Thread thread) {
        String[] slot = FIRING.get(thread);
        return slot == null ? null : slot[0];
    }

    @Override
    public void beforeMatchFired(BeforeMatchFiredEvent event) {
        SLOT.get()[0] = event.getMatch().getRule().getName();
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
