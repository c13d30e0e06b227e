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
    /** The container the rules were compiled into. */
    private final KieContainer container;
    private final KieSessionsPool pool;
    private final StatelessKieSession session;
    private final GpuCatalog gpus;
    private final ModelCatalog models;
    private final PolicySettings settings;
    private volatile boolean disposed;
    /** Runs and requests using this rule set now; -1 once disposed. */
    private final java.util.concurrent.atomic.AtomicInteger holds = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean retired;
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
     * A rule set over a compiled rule base: its session pool, and the stateless session every decision runs in, with the
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

    /** The compiled rules: for tests that look at how a rule was built. */
    KieBase kieBase() {
        return kieBase;
    }

    public String version() { return version; }
    public Instant builtAt() { return builtAt; }
    public List<String> files() { return files; }
    public int ruleCount() { return ruleCount; }
    public GpuCatalog gpus() { return gpus; }
    public ModelCatalog models() { return models; }
    public PolicySettings settings() { return settings; }

    /**
     * Takes this rule set for a use that must not see it disposed (a Drools run, a batch, a
     * recovery); false once it was disposed. Every successful hold is paired with {@link #release}.
     */
    public boolean hold() {
        while (true) {
            int h = holds.get();
            if (h < 0) {
                return false;
            }
            if (holds.compareAndSet(h, h + 1)) {
                return true;
            }
        }
    }

    public void release() {
        if (holds.decrementAndGet() == 0 && retired) {
            disposeIfIdle();
        }
    }

    /** Replaced: disposed as soon as no use holds it, at once when none does. */
    public void retire() {
        retired = true;
        disposeIfIdle();
    }

    private void disposeIfIdle() {
        if (holds.compareAndSet(0, -1)) {
            dispose();
        }
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
        KieServices.Factory.get().getRepository().removeKieModule(container.getReleaseId());
        container.dispose();
    }
}
