package dev.gpuconfig.reload;

import dev.gpuconfig.engine.CandidateCheck;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleProblem;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RuleSetBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns the rule set in force, and the one path that changes it. Whoever asks (start-up, the admin
 * call, the watcher's signal), the work runs on one build thread: read the whole folder, build and
 * test a new rule set on the side, and swap it in with one reference write. On any problem the
 * rule set in force stays, and the attempt records why, by file and line. Requests never wait for
 * this: they take the reference once and use only that rule set.
 */
@ApplicationScoped
public class RulesManager {
    private static final Logger LOG = Logger.getLogger(RulesManager.class);
    /** A save often arrives as several writes a few ms apart: a build starts once they stop. */
    private static final long QUICK_MS = 50;

    private final RulesConfig config;
    private final BoundedBuild builder;
    private final RulesMetrics metrics;
    private final AtomicReference<RuleSet> active = new AtomicReference<>();
    private final AtomicReference<LoadAttempt> lastAttempt = new AtomicReference<>();
    /** The one thread that builds and activates: loads never overlap, and builds never pile up on two cores. */
    private final ExecutorService builds = Executors.newSingleThreadExecutor(r -> daemon(r, "rules-build"));
    /** Starts the warm-up builds. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rules-timer"));
    /** When the folder last changed, as the watcher signalled it (System.nanoTime). */
    private volatile long lastChange;
    /** Whether a settle-and-activate run is queued or running on the build thread. */
    private final AtomicBoolean settling = new AtomicBoolean();
    /** Set once the folder changed after start: warm-up builds still queued are skipped. */
    private volatile boolean editSeen;
    /** Warm-up builds run, or skipped for an edit: for tests. */
    private final java.util.concurrent.atomic.AtomicInteger warmUpsSettled = new java.util.concurrent.atomic.AtomicInteger();

    /** Told of every activation (ChangeLog compares the decisions); null outside the container. */
    private final jakarta.enterprise.event.Event<RulesActivated> activations;

    @jakarta.inject.Inject
    public RulesManager(RulesConfig config, CandidateCheck policyTests, RulesMetrics metrics,
                        jakarta.enterprise.event.Event<RulesActivated> activations) {
        this.activations = activations;
        this.config = config;
        this.metrics = metrics;
        this.builder = new BoundedBuild(new RuleSetBuilder(config.rules().sessionPool(), policyTests),
                config.rules().buildDeadlineMs(), metrics.stuckBuilds());
    }

    /** Activates the folder before the server takes requests, and logs what is in force. */
    void onStart(@Observes StartupEvent event) {
        LoadAttempt a = reload("startup");
        RuleSet rs = active.get();
        if (rs == null) {
            StringBuilder b = new StringBuilder("rules at startup: the whole folder ").append(folder())
                    .append(" was refused; the service is not ready until a valid rule set loads\n");
            a.errors().forEach(p -> b.append("    ").append(p).append('\n'));
            LOG.error(b);
            return;
        }
        LOG.infof("rules at startup: %s, version %s, %d rules in %d files, %d models, %d GPUs; built and tested in %d ms %s",
                folder(), rs.version(), rs.ruleCount(), rs.files().size(), rs.models().size(), rs.gpus().all().size(),
                a.durationMs(), a.phasesMs());
        timer.schedule(this::warmUp, config.rules().warmupDelayMs(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
        builds.shutdownNow();
    }

    public Path folder() {
        return Path.of(config.rules().dir()).toAbsolutePath().normalize();
    }

    /** The rule set in force, if any: a request takes it once and uses only it. */
    public Optional<RuleSet> active() {
        return Optional.ofNullable(active.get());
    }

    public LoadAttempt lastAttempt() {
        return lastAttempt.get();
    }

    /** Reads, builds and, when everything passes, activates the folder's content now; waits for the outcome. */
    public LoadAttempt reload(String trigger) {
        try {
            return builds.submit(() -> activate(trigger, readAndBuild())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the rules were loading", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rules load failed", e.getCause());
        }
    }

    /**
     * The folder changed (the watcher's signal): its content is activated once the folder has
     * been quiet for the settle time. Returns at once.
     */
    public void changed() {
        lastChange = System.nanoTime();
        editSeen = true;
        if (settling.compareAndSet(false, true)) {
            builds.execute(this::settleAndActivate);
        }
    }

    /**
     * Builds the changed content at once and activates it once the folder has been quiet for the
     * settle time, so an edit is served after the longer of the build and the settle time rather
     * than their sum. A change meanwhile throws the build away and starts over from the new content.
     */
    private void settleAndActivate() {
        long handled = 0;
        try {
            while (true) {
                sleepUntilQuiet(Math.min(QUICK_MS, config.rules().settleMs()));
                handled = lastChange;
                Built built = readAndBuild();
                sleepUntilQuiet(config.rules().settleMs());
                if (lastChange == handled) {
                    activate("watch", built);
                    return;
                }
                built.discard(); // changed while it was built: build what the folder holds now
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) { // the last good rule set keeps serving; the next edit is built as usual
            LOG.error("rules: a load after an edit failed", e);
        } finally {
            settling.set(false);
            if (lastChange != handled && !builds.isShutdown()) {
                changed(); // a change signalled while this run was ending
            }
        }
    }

    private void sleepUntilQuiet(long ms) throws InterruptedException {
        long quietNanos = TimeUnit.MILLISECONDS.toNanos(ms);
        long left;
        while ((left = quietNanos - (System.nanoTime() - lastChange)) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** A snapshot of the folder and what building it gave: a result, or why it could not be read. */
    private record Built(Instant at, long start, RuleFolder snapshot, RuleSetBuilder.Result result, List<RuleProblem> unreadable) {
        void discard() {
            if (result != null) {
                result.discard();
            }
        }
    }

    /** Reads the folder and builds it, unless that content is already in force. */
    private Built readAndBuild() throws InterruptedException {
        Instant at = Instant.now();
        long start = System.nanoTime();
        RuleFolder snapshot;
        try {
            snapshot = RuleFolder.read(folder());
        } catch (RuntimeException e) {
            return new Built(at, start, null, null, List.of(new RuleProblem(".", 0, e.getMessage())));
        }
        RuleSet current = active.get();
        if (current != null && current.version().equals(snapshot.version())) {
            return new Built(at, start, snapshot, null, List.of());
        }
        return new Built(at, start, snapshot, builder.build(snapshot), List.of());
    }

    /** Records the attempt and, when the build passed, swaps its rule set in. On the build thread only. */
    private LoadAttempt activate(String trigger, Built b) {
        if (b.snapshot() == null) {
            return record(new LoadAttempt(LoadAttempt.REJECTED, null, b.at(), ms(b.start()), trigger, b.unreadable()));
        }
        String version = b.snapshot().version();
        if (b.result() == null) {
            return record(new LoadAttempt(LoadAttempt.UNCHANGED, version, b.at(), ms(b.start()), trigger, List.of()));
        }
        RuleSetBuilder.Result result = b.result();
        RuleSet current = active.get();
        if (!result.ok()) {
            LOG.warnf("rules: version %s refused, still serving %s: %s", version,
                    current == null ? "nothing" : current.version(), result.problems());
            return record(new LoadAttempt(LoadAttempt.REJECTED, version, b.at(), ms(b.start()), trigger, result.problems(),
                    result.phasesMs()));
        }
        RuleSet previous = active.getAndSet(result.ruleSet());
        LoadAttempt done = record(new LoadAttempt(LoadAttempt.ACTIVATED, version, b.at(), ms(b.start()), trigger, List.of(),
                result.phasesMs()));
        metrics.activated();
        if (previous != null) {
            if (activations != null) {
                try {
                    activations.fire(new RulesActivated(previous, result.ruleSet()));
                } catch (RuntimeException e) {
                    LOG.warn("rules: an observer of the activation failed", e);
                }
            }
            previous.retire(); // disposed once the requests (and observers) that hold it are done
            LOG.infof("rules: activated %s (was %s) in %d ms %s, %s", version, previous.version(), done.durationMs(),
                    result.phasesMs(), trigger);
        }
        return done;
    }

    /**
     * Builds the folder a few times after start and throws the results away: the JIT then has the
     * build path compiled before the first edit, so that edit is not built by cold code. Runs on
     * the build thread, behind any real load; an edit warms the JIT just as well, so they stop at one.
     */
    private void warmUp() {
        for (int i = 0; i < config.rules().warmupBuilds(); i++) {
            try {
                builds.execute(() -> {
                    try {
                        if (!editSeen) {
                            builder.build(RuleFolder.read(folder())).discard();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        LOG.debug("rules: a warm-up build failed", e);
                    } finally {
                        warmUpsSettled.incrementAndGet();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // shutting down
            }
        }
    }

    int warmUpsSettled() {
        return warmUpsSettled.get();
    }

    private LoadAttempt record(LoadAttempt a) {
        lastAttempt.set(a);
        metrics.attempt(a);
        return a;
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
