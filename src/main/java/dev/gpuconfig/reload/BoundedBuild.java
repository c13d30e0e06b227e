package dev.gpuconfig.reload;

import dev.gpuconfig.engine.DecisionEngine;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleProblem;
import dev.gpuconfig.engine.RuleSetBuilder;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One build of a rules folder with a deadline. The build (compile, then the folder's policy tests,
 * which run the new rules) goes on a thread of its own; a rule whose action never returns keeps
 * that thread, not the load path: past the deadline the rule set is refused, naming the rule and
 * its file, and the next edit is built as usual. The stuck thread is interrupted, then stopped
 * (it runs only the refused rules, which nothing else uses); one that still runs is counted in
 * {@code gpu_rules_stuck_builds}.
 */
final class BoundedBuild {
    private static final Logger LOG = Logger.getLogger(BoundedBuild.class);
    private static final AtomicInteger BUILDS = new AtomicInteger();
    private final RuleSetBuilder builder;
    private final long deadlineMs;
    private final AtomicInteger stuck;

    BoundedBuild(RuleSetBuilder builder, long deadlineMs, AtomicInteger stuck) {
        this.builder = builder;
        this.deadlineMs = deadlineMs;
        this.stuck = stuck;
    }

    RuleSetBuilder.Result build(RuleFolder snapshot) throws InterruptedException {
        long start = System.nanoTime();
        CompletableFuture<RuleSetBuilder.Result> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(builder.build(snapshot));
            } catch (Throwable e) { // ThreadDeath too: the refusal below is already recorded
                result.completeExceptionally(e);
            }
        }, "rules-build-" + BUILDS.incrementAndGet());
        t.setDaemon(true);
        t.start();
        try {
            return result.get(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.error("rules: build failed unexpectedly", e.getCause());
            return refused(snapshot, start, new RuleProblem(".", 0, "build failed: " + e.getCause()));
        } catch (TimeoutException e) {
            String rule = DecisionEngine.firing(t);
            RuleProblem problem = rule == null
                    ? new RuleProblem(".", 0, "building and testing the rules took more than " + deadlineMs + " ms")
                    : where(snapshot, rule, "rule '" + rule + "' did not return within " + deadlineMs
                    + " ms while the policy tests ran (an action that never ends?)");
            LOG.errorf("rules: version %s refused: %s", snapshot.version(), problem);
            stop(t);
            return refused(snapshot, start, problem);
        }
    }

    private RuleSetBuilder.Result refused(RuleFolder snapshot, long start, RuleProblem problem) {
        return new RuleSetBuilder.Result(null, List.of(problem), snapshot.version(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Map.of());
    }

    /** The problem placed at the rule's declaration, when a DRL file of the folder declares it. */
    private static RuleProblem where(RuleFolder snapshot, String rule, String message) {
        Pattern declared = Pattern.compile("(?m)^[ \\t]*rule\\s+\"" + Pattern.quote(rule) + "\"");
        for (Map.Entry<String, byte[]> f : snapshot.files().entrySet()) {
            if (f.getKey().endsWith(".drl")) {
                String text = new String(f.getValue(), java.nio.charset.StandardCharsets.UTF_8);
                Matcher m = declared.matcher(text);
                if (m.find()) {
                    int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                    return new RuleProblem(f.getKey(), line, message);
                }
            }
        }
        return new RuleProblem(".", 0, message);
    }

    /**
     * Ends a build thread stuck in a rule: an interrupt first, then {@link Thread#stop()}, which is
     * safe here because the thread holds only the refused rule set. The JVM may refuse it (Java 20
     * and later); a thread that still runs is counted and logged, and keeps one core busy.
     */
    @SuppressWarnings({"deprecation", "removal"})
    private void stop(Thread t) throws InterruptedException {
        t.interrupt();
        t.join(500);
        if (t.isAlive()) {
            try {
                t.stop();
            } catch (UnsupportedOperationException e) {
                LOG.debug("rules: this JVM cannot stop a thread", e);
            }
            t.join(1000);
        }
        if (t.isAlive()) {
            stuck.incrementAndGet();
            LOG.errorf("rules: thread %s is still running rule '%s' and cannot be stopped; restart the service to free its CPU",
                    t.getName(), DecisionEngine.firing(t));
        }
    }
}
