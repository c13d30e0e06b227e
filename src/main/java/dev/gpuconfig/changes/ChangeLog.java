package dev.gpuconfig.changes;

import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.reload.RulesActivated;
import dev.gpuconfig.reload.RulesManager;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * After each activation, compares the decisions of the rule set it replaced and the new one, on
 * a thread of its own (the activation never waits for it), and keeps the last {@link #KEPT}
 * comparisons for GET /v1/rules/changes. The replaced rule set is held until its comparison is done.
 */
@ApplicationScoped
public class ChangeLog {
    private static final Logger LOG = Logger.getLogger(ChangeLog.class);
    static final int KEPT = 20;
    private final RulesManager rules;
    private final DecisionService decisions;
    private final DistributionSummary changedPerActivation;
    private final Deque<ChangeReport> reports = new ArrayDeque<>();
    private final ExecutorService comparing = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rules-compare");
        t.setDaemon(true);
        return t;
    });

    public ChangeLog(RulesManager rules, DecisionService decisions, MeterRegistry registry) {
        this.rules = rules;
        this.decisions = decisions;
        this.changedPerActivation = DistributionSummary.builder("gpu.rules.changed.decisions")
                .description("decisions an activation changed, among those compared").register(registry);
    }

    void onActivated(@Observes RulesActivated event) {
        RuleSet before = event.previous();
        if (!before.hold()) {
            return;
        }
        var recent = decisions.recentRequests(before);
        try {
            comparing.execute(() -> {
                try {
                    long start = System.nanoTime();
                    RuleFolder tests = RuleFolder.read(rules.folder());
                    ChangeReport report = Comparison.compare(before, event.current(),
                            Comparison.corpus(List.of(event.current().models()), tests, recent));
                    record(report, (System.nanoTime() - start) / 1_000_000);
                } catch (RuntimeException e) {
                    LOG.warn("rules: comparing the decisions of an activation failed", e);
                } finally {
                    before.release();
                }
            });
        } catch (RejectedExecutionException stopping) {
            before.release();
        }
    }

    private synchronized void record(ChangeReport report, long ms) {
        reports.addFirst(report);
        while (reports.size() > KEPT) {
            reports.removeLast();
        }
        changedPerActivation.record(report.changed().size());
        LOG.infof("rules: activation %s -> %s changed %d of %d decisions (compared in %d ms)", report.from(), report.to(),
                report.changed().size(), report.asked(), ms);
    }

    /** The last activation's comparison, if any was made. */
    public synchronized Optional<ChangeReport> last() {
        return Optional.ofNullable(reports.peekFirst());
    }

    /** The last {@code n} comparisons, newest first. */
    public synchronized List<ChangeReport> last(int n) {
        return reports.stream().limit(n).toList();
    }

    void onStop(@Observes ShutdownEvent event) {
        comparing.shutdownNow();
    }
}
