package dev.gpuconfig.reload;

import dev.gpuconfig.engine.CandidateCheck;
import dev.gpuconfig.engine.CompiledRules;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleProblem;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RuleSetBuilder;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns the active rule set. A load reads the whole folder, builds a new rule set on the side and
 * swaps it in with one reference write; on any problem the active set stays as it was and the
 * attempt records why. Loads are serialized; requests never wait for them.
 */
@ApplicationScoped
public class RulesManager {
    private static final Logger LOG = Logger.getLogger(RulesManager.class);

    private final RulesConfig config;
    private final RuleSetBuilder builder;
    /** The warm-up builds compile, whatever the cache holds: they are there to warm the compiler. */
    private final RuleSetBuilder compiler;
    private final CompiledRules cache;
    private final AtomicReference<RuleSet> active = new AtomicReference<>();
    private final AtomicReference<LoadAttempt> lastAttempt = new AtomicReference<>();
    /** Disposes replaced rule sets once in-flight requests are done, and starts the warm-up builds. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rules-timer");
        t.setDaemon(true);
        return t;
    });

    private final RulesMetrics metrics;
    /** Set once the watcher builds an edit: warm-up builds still queued are skipped. */
    private volatile boolean editSeen;
    /** Warm-up waits for two things, in either order: rules active at startup, and the HTTP server listening. */
    private final AtomicInteger warmUpGate = new AtomicInteger(2);
    /** Warm-up builds run, or skipped for a real edit. */
    private final AtomicInteger warmUpsSettled = new AtomicInteger();
    /**
     * Completed by the first activation: what warms up on the first rule set waits for it. It
     * carries no rule set, so a replaced one is not kept alive by it (with its memo, up to 25 MB).
     */
    private final CompletableFuture<Void> firstActive = new CompletableFuture<>();
    /** Builds ahead of activation (see RulesWatcher), the start-up activation and the warm-up builds, one at a time. */
    private final ExecutorService builds = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rules-build");
        t.setDaemon(true);
        return t;
    });

    public RulesManager(RulesConfig config, CandidateCheck policyTests, RulesMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.cache = config.rules().cache() ? new CompiledRules(Path.of(config.rules().cacheDir())) : null;
        this.builder = new RuleSetBuilder(config.rules().sessionPool(), policyTests, cache);
        this.compiler = new RuleSetBuilder(config.rules().sessionPool(), policyTests);
    }

    /**
     * Activates the folder at start-up. With the launcher's early build still running, on the build
     * thread, ahead of any other load: the framework finishes starting and the server listens
     * meanwhile (readiness stays DOWN until the rule set is active), which made the service ready
     * about 0.1 s sooner than waiting here. Without one (tests, dev mode), before the server takes
     * requests.
     */
    void onStart(@Observes StartupEvent event) {
        if (EarlyBuild.started()) {
            builds.execute(() -> {
                try {
                    activateAtStartup();
                } catch (RuntimeException | Error e) { // not ready, and the log says why; an edit can still activate
                    LOG.error("rules: start-up activation failed", e);
                }
            });
        } else {
            activateAtStartup();
        }
    }

    private void activateAtStartup() {
        LoadAttempt a = reload("startup", EarlyBuild.take(folder(), config.rules().sessionPool()));
        RuleSet rs = active.get();
        StringBuilder b = new StringBuilder("rules at startup\n");
        b.append("  folder:   ").append(folder()).append('\n');
        if (rs != null) {
            b.append("  version:  ").append(rs.version()).append(" (").append(a.durationMs())
                    .append(rs.fromCache() ? " ms to read compiled and test: " : " ms to build and test: ").append(a.phasesMs()).append(")\n");
            b.append("  rules:    ").append(rs.ruleCount()).append(" in ").append(rs.files().size()).append(" files\n");
            b.append("  catalogs: ").append(rs.models().size()).append(" models, ").append(rs.gpus().all().size())
                    .append(" GPUs ").append(rs.gpus().all()).append('\n');
            b.append("  refused:  none");
            LOG.info(b);
            passWarmUpGate();
        } else {
            b.append("  refused:  the whole folder; the service is not ready until a valid rule set loads\n");
            a.errors().forEach(p -> b.append("    ").append(p).append('\n'));
            LOG.error(b);
        }
    }

    // Started before the server listened, warm-up builds took CPU from the rest of start-up:
    // ready 0.1-0.5 s later on two cores. The event is fired once the HTTP server listens.
    void onHttpStart(@ObservesAsync HttpServerStart event) {
        passWarmUpGate();
    }

    // Then they wait a few seconds more: a deployment's first calls arrive right after ready, and
    // sharing two cores with a cold build they took 230-260 ms for the first answer instead of
    // 90-120 (and 15-55 ms instead of 6-20 for the next few).
    private void passWarmUpGate() {
        if (warmUpGate.decrementAndGet() == 0) {
            timer.schedule(() -> warmUp(config.rules().warmupBuilds()), config.rules().warmupDelayMs(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Builds the folder a few more times in the background and throws the results away: the JIT
     * then has the build path compiled before the first edit, which is built in about 0.6 s
     * instead of 1-1.5 s. Runs on the build thread, one build at a time with real reloads.
     */
    private void warmUp(int times) {
        for (int i = 0; i < times; i++) {
            builds.submit(() -> {
                try {
                    if (!editSeen) { // a real edit goes first, and warms the JIT just as well
                        compiler.build(RuleFolder.read(folder())).discard();
                    }
                } finally {
                    warmUpsSettled.incrementAndGet();
                }
            });
        }
    }

    /** Warm-up builds run or skipped so far: for tests. */
    int warmUpsSettled() {
        return warmUpsSettled.get();
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

    /** Completes once a rule set has been activated; {@link #active()} then has one. */
    public CompletionStage<Void> firstActive() {
        return firstActive;
    }

    /** Reads, builds and, when everything passes, activates the folder's content. */
    public LoadAttempt reload(String trigger) {
        return reload(trigger, null);
    }

    /**
     * Starts building the folder's current content on the side, or returns null when there is
     * nothing new to build (unreadable, or the version already active). For {@link #reload(String,
     * RuleSetBuilder.Result)}.
     */
    Future<RuleSetBuilder.Result> buildAhead() {
        RuleFolder snapshot;
        try {
            snapshot = RuleFolder.read(folder());
        } catch (RuntimeException e) {
            return null;
        }
        RuleSet current = active.get();
        if (current != null && current.version().equals(snapshot.version())) {
            return null;
        }
        editSeen = true;
        return builds.submit(() -> builder.build(snapshot));
    }

    /** As {@link #reload(String)}, using {@code early} instead of a new build when it was built from the same content. */
    synchronized LoadAttempt reload(String trigger, RuleSetBuilder.Result early) {
        Instant at = Instant.now();
        long start = System.nanoTime();
        RuleFolder snapshot;
        try {
            snapshot = RuleFolder.read(folder());
        } catch (RuntimeException e) {
            return record(new LoadAttempt(LoadAttempt.REJECTED, null, at, ms(start), trigger,
                    List.of(new RuleProblem(".", 0, e.getMessage()))));
        }
        RuleSet current = active.get();
        boolean unchanged = current != null && current.version().equals(snapshot.version());
        boolean earlyFits = early != null && !unchanged && early.version().equals(snapshot.version());
        if (early != null && !earlyFits) {
            early.discard(); // the folder changed while it was built, or that content is already active
        }
        if (unchanged) {
            return record(new LoadAttempt(LoadAttempt.UNCHANGED, snapshot.version(), at, ms(start), trigger, List.of()));
        }
        RuleSetBuilder.Result result;
        try {
            result = earlyFits ? early : builder.build(snapshot);
            if (earlyFits) {
                trigger += " (built ahead, " + early.millis() + " ms)";
            }
        } catch (RuntimeException e) {
            // A bug in building must not take the service down: the last good rule set keeps serving.
            LOG.error("rules: build failed unexpectedly", e);
            result = new RuleSetBuilder.Result(null, List.of(new RuleProblem(".", 0, "build failed: " + e)),
                    snapshot.version(), ms(start), java.util.Map.of());
        }
        long took = ms(start) + (earlyFits ? early.millis() : 0); // an early build's time counts too
        if (!result.ok()) {
            LOG.warnf("rules: version %s refused, still serving %s: %s", snapshot.version(),
                    current == null ? "nothing" : current.version(), result.problems());
            return record(new LoadAttempt(LoadAttempt.REJECTED, snapshot.version(), at, took, trigger, result.problems(),
                    result.phasesMs()));
        }
        if (current != null) {
            result.ruleSet().inheritAskedFrom(current); // before the swap: its first requests already count
        }
        RuleSet previous = active.getAndSet(result.ruleSet());
        if (previous != null) {
            timer.schedule(previous::dispose, config.rules().retireSeconds(), TimeUnit.SECONDS);
            LOG.infof("rules: activated %s (was %s) in %d ms %s, %s", snapshot.version(), previous.version(), took,
                    result.phasesMs(), trigger);
        }
        LoadAttempt done = record(new LoadAttempt(LoadAttempt.ACTIVATED, snapshot.version(), at, took, trigger, List.of(),
                result.phasesMs()));
        if (previous == null) {
            firstActive.complete(null); // after the attempt is recorded: what waits on it sees both
        }
        RuleSet activated = result.ruleSet();
        metrics.activated(activated);
        if (cache != null && !activated.fromCache()) { // on the build thread, after the swap: off the start's path
            try {
                builds.execute(() -> cache.keep(activated));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("rules: shutting down, the activated rule set is not kept compiled");
            }
        }
        return done;
    }

    private LoadAttempt record(LoadAttempt a) {
        lastAttempt.set(a);
        metrics.attempt(a);
        return a;
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
