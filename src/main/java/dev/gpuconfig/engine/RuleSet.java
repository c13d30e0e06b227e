package dev.gpuconfig.engine;

import dev.gpuconfig.catalog.PolicySettings;

import dev.gpuconfig.catalog.GpuCatalog;
import dev.gpuconfig.catalog.ModelCatalog;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.definition.KiePackage;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.KieSessionsPool;
import org.kie.api.runtime.StatelessKieSession;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One compiled, validated policy: the Drools rule base and its session pool, the catalogs and
 * settings read from the same folder content, and the version (a hash of that content). Immutable
 * once built; a request takes one reference and uses only it, so a reload never mixes versions.
 */
public final class RuleSet {
    private final String version;
    private final Instant builtAt;
    private final List<String> files;
    private final int ruleCount;
    private final KieBase kieBase;
    /** The container the rules were compiled into; null for rules read from the compiled-rules cache. */
    private final KieContainer container;
    private final KieSessionsPool pool;
    private final StatelessKieSession session;
    private final GpuCatalog gpus;
    private final ModelCatalog models;
    private final PolicySettings settings;
    private volatile boolean disposed;
    /** Answers already given by this rule set: a decision is a pure function of the request and the rules. */
    private final java.util.concurrent.ConcurrentHashMap<Object, Object> memo = new java.util.concurrent.ConcurrentHashMap<>();
    // an answer kept as JSON takes about 3.5 KB: 2,048 stay under 8 MB. The heap grows by about
    // 1.7x what stays live (40% kept free), so a fuller memo cost resident memory under requests
    // that rarely repeat (round 9 of docs/performance.md); dashboards ask for a few hundred models
    static final int MEMO_LIMIT = 2048;
    /** Hashes of keys asked once, by slot: see {@link #askedBefore}. */
    private final int[] asked = new int[2 * MEMO_LIMIT];

    RuleSet(String version, List<String> files, int ruleCount, KieBase kieBase, KieContainer container,
            KieSessionsPool pool, StatelessKieSession session, GpuCatalog gpus, ModelCatalog models, PolicySettings settings) {
        this.version = version;
        this.builtAt = Instant.now();
        this.files = List.copyOf(files);
        this.ruleCount = ruleCount;
        this.kieBase = kieBase;
        this.container = container;
        this.pool = pool;
        this.session = session;
        this.gpus = gpus;
        this.models = models;
        this.settings = settings;
    }

    /**
     * A rule set over a compiled rule base (from a container, or read from the compiled-rules
     * cache): its session pool, and the stateless session every decision runs in, with the
     * folder's catalogs and settings as globals and the listener that records fired rules.
     */
    static RuleSet create(RuleFolder folder, KieBase base, KieContainer container, int poolSize, GpuCatalog gpus,
                          ModelCatalog models, PolicySettings settings) {
        KieSessionsPool pool = base.newKieSessionsPool(poolSize);
        StatelessKieSession session = pool.newStatelessKieSession();
        session.setGlobal("settings", settings);
        session.setGlobal("gpus", gpus);
        session.addEventListener(new FiredRules());
        int rules = 0;
        for (KiePackage pkg : base.getKiePackages()) {
            rules += pkg.getRules().size();
        }
        return new RuleSet(folder.version(), new ArrayList<>(folder.files().keySet()), rules, base, container, pool,
                session, gpus, models, settings);
    }

    /** The compiled rules: for the compiled-rules cache, and tests that look at how a rule was built. */
    KieBase kieBase() {
        return kieBase;
    }

    /** Whether the rules were read from the compiled-rules cache rather than compiled from the folder. */
    public boolean fromCache() {
        return container == null;
    }

    public String version() { return version; }
    public Instant builtAt() { return builtAt; }
    public List<String> files() { return files; }
    public int ruleCount() { return ruleCount; }
    public GpuCatalog gpus() { return gpus; }
    public ModelCatalog models() { return models; }
    public PolicySettings settings() { return settings; }

    /**
     * The value for {@code key} computed once per rule set. A new activation starts empty (it
     * inherits only which requests were asked, {@link #inheritAskedFrom}), so a cached answer never
     * outlives the rules that gave it; past the limit the memo starts over.
     * An answer is kept from the second time its key is asked: a stream of requests that never
     * repeat (each with its own context length, say) would otherwise fill the memo with answers
     * nobody reads again, which the collector copies into the old generation and then has to
     * collect in full (a 60 ms pause every 2-3 s at 3,000 such requests a second).
     */
    public <K, V> V memo(K key, java.util.function.Function<K, V> compute) {
        V hit = memoized(key);
        if (hit != null) {
            return hit;
        }
        V value = compute.apply(key);
        if (askedBefore(key)) {
            if (memo.size() >= MEMO_LIMIT) {
                memo.clear();
            }
            memo.put(key, value);
        }
        return value;
    }

    /** The value {@link #memo} keeps for {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public <V> V memoized(Object key) {
        return (V) memo.get(key);
    }

    /**
     * Whether {@code key} was asked before, as far as a table of recent keys' hashes can tell, and
     * it is recorded as asked. Unsynchronized on purpose: a lost or mixed-up entry only keeps an
     * answer one request early or late.
     */
    private boolean askedBefore(Object key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        int slot = h & (asked.length - 1);
        if (asked[slot] == h) {
            return true;
        }
        asked[slot] = h;
        return false;
    }

    /**
     * Records the requests {@code previous} remembered as asked before here too, so that after an
     * edit of the rules the first asking of each keeps its answer, not the second. Without it,
     * under load with 1,000 repeated requests, an edit cost 2,300-5,700 evaluations on the request
     * path; with it 1,200-2,900 (docs/performance.md, round 11). Only the requests are carried,
     * never an answer: every answer here comes from these rules.
     */
    public void inheritAskedFrom(RuleSet previous) {
        for (Object key : previous.memo.keySet()) {
            askedBefore(key);
        }
    }

    /** How many answers {@link #memo} holds now: for the metrics. */
    public int remembered() {
        return memo.size();
    }

    /** Whether {@link #dispose()} ran: for tests that check no build is left behind. */
    public boolean disposed() {
        return disposed;
    }

    StatelessKieSession session() {
        return session;
    }

    /** Frees the compiled rules once no request uses this set any more. */
    public void dispose() {
        disposed = true;
        pool.shutdown();
        if (container != null) {
            KieServices.Factory.get().getRepository().removeKieModule(container.getReleaseId());
            container.dispose();
        }
    }
}
