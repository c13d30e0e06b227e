package dev.gpuconfig.store;

import dev.gpuconfig.policy.ConfigurationHistory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The history the rules see, per model, read from the store once and kept until it changes.
 * <p>
 * Invariant: nothing read before a change is used after it. Every change (a write here, a write
 * on another replica seen in the history version, an outcome leaving the window) raises the
 * {@link #generation()}; an entry is used only in the generation it was read in, and the answers
 * computed from it are kept by generation too ({@code decide/DecisionService}). Another replica's
 * write is seen at the next look, every {@code gpu.store.poll-ms}.
 */
@ApplicationScoped
public class HistoryCache {
    private static final Logger LOG = Logger.getLogger(HistoryCache.class);
    /** Models whose history is kept; past it the cache starts over (a hostile stream of names cannot grow it). */
    static final int MODELS = 4096;
    /** The newest failures and KV reports per model the rules see: enough for any realistic failure streak. */
    static final int ROWS_PER_MODEL = 1000;

    private final OutcomeStore store;
    private final StoreConfig config;
    private final StoreMetrics metrics;
    private final AtomicLong generation = new AtomicLong();
    private final ConcurrentHashMap<String, Entry> models = new ConcurrentHashMap<>();
    /** When the oldest outcome counted by a kept entry leaves its window (epoch ms). */
    private final AtomicLong nextExpiry = new AtomicLong(Long.MAX_VALUE);
    private volatile long seenVersion = Long.MIN_VALUE;
    /**
     * False from a failed read until the next look succeeds: meanwhile decisions do not wait for a
     * database that does not answer, they say the history is unavailable.
     */
    private volatile boolean reachable = true;
    private volatile Thread thread;
    private final java.util.concurrent.CountDownLatch firstLook = new java.util.concurrent.CountDownLatch(1);

    private record Entry(long generation, int windowDays, List<ConfigurationHistory> facts) {
    }

    public HistoryCache(OutcomeStore store, StoreConfig config, StoreMetrics metrics) {
        this.store = store;
        this.config = config;
        this.metrics = metrics;
        metrics.available(() -> store.isOpen() ? 1 : 0);
    }

    /**
     * Opens the store beside the first build of the rules (both take a core for a few hundred
     * milliseconds), before any other observer of the start runs.
     */
    void onStartEarly(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        Thread t = new Thread(this::loop, "outcome-store-watch");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** The start ends once the first look is done: the first decisions see the history (or say why not). */
    void onStart(@Observes StartupEvent event) throws InterruptedException {
        if (!firstLook.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            LOG.warn("outcome store: not open 10 s after start; decisions say the history is unavailable until it is");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Raised by every change of the history; answers and entries of an older generation are not used. */
    public long generation() {
        return generation.get();
    }

    /** Called after this replica wrote: the next decision reads the store again. */
    public void changed() {
        models.clear();
        nextExpiry.set(Long.MAX_VALUE);
        generation.incrementAndGet();
    }

    /**
     * The history of {@code model} within the last {@code windowDays}, one fact per configuration
     * with any outcome; null when the store cannot be read now (the decision then says so).
     */
    public List<ConfigurationHistory> forModel(String model, int windowDays) {
        String key = Outcome.key(model);
        long gen = generation.get();
        Entry e = models.get(key);
        if (e != null && e.generation() == gen && e.windowDays() == windowDays) {
            return e.facts();
        }
        if (!store.isOpen() || !reachable) {
            return null;
        }
        OutcomeStore.History read;
        try {
            read = store.history(model, Instant.now().minus(Duration.ofDays(windowDays)), ROWS_PER_MODEL);
        } catch (StoreException ex) {
            reachable = false;
            metrics.error();
            LOG.warnf("outcome store: %s", ex.getMessage());
            return null;
        }
        List<ConfigurationHistory> facts = facts(read.rows(), read.otherStarts());
        read.rows().stream().map(Outcome::reportedAt).min(Instant::compareTo).ifPresent(oldest ->
                nextExpiry.accumulateAndGet(oldest.plus(Duration.ofDays(windowDays)).toEpochMilli(), Math::min));
        if (models.size() >= MODELS) {
            models.clear();
        }
        models.put(key, new Entry(gen, windowDays, facts));
        return facts;
    }

    /**
     * Outcomes, newest first, summed per configuration; {@code otherStarts} are starts without a
     * KV report, counted by "GPU:count".
     */
    static List<ConfigurationHistory> facts(List<Outcome> rows, Map<String, Integer> otherStarts) {
        Map<String, List<Outcome>> byConfig = new LinkedHashMap<>();
        for (Outcome o : rows) {
            byConfig.computeIfAbsent(o.gpu() + ":" + o.gpuCount(), k -> new ArrayList<>()).add(o);
        }
        otherStarts.keySet().forEach(k -> byConfig.putIfAbsent(k, new ArrayList<>()));
        List<ConfigurationHistory> facts = new ArrayList<>(byConfig.size());
        for (Map.Entry<String, List<Outcome>> e : byConfig.entrySet()) {
            int failures = 0;
            LinkedHashSet<String> classes = new LinkedHashSet<>();
            List<ConfigurationHistory.KvReport> reports = new ArrayList<>();
            Double lowest = null;
            for (Outcome o : e.getValue()) {
                if (Outcome.FAILURE.equals(o.kind())) {
                    failures++;
                    lowest = lowest == null ? o.utilization() : Math.min(lowest, o.utilization());
                    classes.add(o.errorClass() == null ? "UNKNOWN" : o.errorClass());
                }
                if (o.kvCacheTokens() != null) {
                    reports.add(new ConfigurationHistory.KvReport(o.kvCacheTokens(), o.utilization(), o.kvFp8()));
                }
            }
            int split = e.getKey().lastIndexOf(':');
            int started = e.getValue().size() - failures + otherStarts.getOrDefault(e.getKey(), 0);
            facts.add(new ConfigurationHistory(e.getKey().substring(0, split), Integer.parseInt(e.getKey().substring(split + 1)),
                    failures, started, new ArrayList<>(classes), reports, lowest));
        }
        return List.copyOf(facts);
    }

    private void loop() {
        try {
            look();
        } catch (RuntimeException e) {
            LOG.error("outcome store: first look failed", e);
        } finally {
            firstLook.countDown();
        }
        while (thread == Thread.currentThread()) {
            try {
                Thread.sleep(config.pollMs());
                look();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("outcome store: watcher error, still watching", e);
            }
        }
    }

    /**
     * One look: opens the store if it is not open, and raises the generation when the store's
     * version moved (a write on another replica; PostgreSQL only) or a kept outcome left its window.
     */
    private void look() {
        boolean wasOpen = store.isOpen();
        if (!wasOpen && !store.open()) {
            return;
        }
        long v = seenVersion;
        if (store.shared() || !wasOpen) { // only this process writes an embedded store: it knows its changes
            try {
                v = store.version();
            } catch (StoreException e) {
                reachable = false;
                metrics.error();
                LOG.warnf("outcome store: %s", e.getMessage());
                return;
            }
        }
        if (!reachable) {
            reachable = true;
            changed(); // answers given while it was unreachable said so; they are not kept
        }
        if (v != seenVersion || !wasOpen || System.currentTimeMillis() >= nextExpiry.get()) {
            seenVersion = v;
            changed();
        }
    }
}
