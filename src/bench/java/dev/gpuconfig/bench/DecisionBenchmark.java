package dev.gpuconfig.bench;

import dev.gpuconfig.batch.BatchAdmission;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.DecisionMetrics;
import dev.gpuconfig.decide.Decider;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.DecisionWorkers;
import dev.gpuconfig.decide.PolicyTestRunner;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.reload.RulesConfig;
import dev.gpuconfig.reload.RulesManager;
import dev.gpuconfig.reload.RulesMetrics;
import dev.gpuconfig.store.HistoryCache;
import dev.gpuconfig.store.Outcome;
import dev.gpuconfig.store.OutcomeStore;
import dev.gpuconfig.store.StoreConfig;
import dev.gpuconfig.store.StoreMetrics;
import dev.gpuconfig.store.TestStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * In-process decisions on the shipped policy and on grown ones (catalog rows, 10x the rules):
 * {@code memoized} is what the service does for a request it has answered before under the same
 * rules; {@code evaluated} runs the whole flow (parse, catalog, Drools) every time; {@code served}
 * is the decide endpoint's work without HTTP: the active rule set, the memo, the JSON bytes and
 * the Prometheus metrics. {@code evaluatedWithHistory} is {@code evaluated} as the service runs it:
 * with the outcome history of the model (kept in memory between changes) as facts; every model of
 * the fixture has two reported failures and a reported KV cache, so both history rules run.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-Xmx1g"})
public class DecisionBenchmark {

    @Param({"0", "1000", "10000"})
    public int catalogRows;

    @Param({"1", "10"})
    public int ruleFactor;

    private RuleSet rules;
    private RulesManager manager;
    private DecisionService service;
    private DecideRequest[] requests;
    private int next;
    private OutcomeStore store;
    private HistoryCache history;
    private DecisionService quiet;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        Path dir = PolicyFixtures.folder(catalogRows, ruleFactor);
        rules = PolicyFixtures.build(dir);
        PolicyFixtures.checkGrown(rules, ruleFactor);
        manager = new RulesManager(config(dir), new PolicyTestRunner(), new RulesMetrics(new SimpleMeterRegistry()), null);
        if (!manager.reload("benchmark").ok()) {
            throw new IllegalStateException(manager.lastAttempt().errors().toString());
        }
        Path storeDir = java.nio.file.Files.createTempDirectory("bench-store");
        StoreConfig storeConfig = TestStores.config(storeDir, null, null, null);
        store = TestStores.open(storeConfig);
        history = new HistoryCache(store, storeConfig, new StoreMetrics(new SimpleMeterRegistry()));
        service = new DecisionService(manager, new DecisionMetrics(new SimpleMeterRegistry()), new DecisionWorkers(),
                dev.gpuconfig.decide.TestRequests.reader(), history);
        Path emptyDir = java.nio.file.Files.createTempDirectory("bench-store-empty");
        StoreConfig emptyConfig = TestStores.config(emptyDir, null, null, null);
        quiet = new DecisionService(manager, new DecisionMetrics(new SimpleMeterRegistry()), new DecisionWorkers(),
                dev.gpuconfig.decide.TestRequests.reader(),
                new HistoryCache(TestStores.open(emptyConfig), emptyConfig, new StoreMetrics(new SimpleMeterRegistry())));
        com.fasterxml.jackson.databind.node.ObjectNode config = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Files.readString(
                        java.nio.file.Path.of("src/test/resources/configs/llama-3.1-8b-instruct.json")));
        fromConfig = new DecideRequest[]{new DecideRequest("acme/support-bot-v3", null, null, null, null, null, config, 16_060_522_496L),
                new DecideRequest("acme/support-bot-v3", 8192, null, null, null, null, config, 16_060_522_496L)};
        requests = new DecideRequest[PolicyFixtures.IDS.length];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = DecideRequest.of(PolicyFixtures.IDS[i]);
        }
        for (DecideRequest r : requests) {
            DecideResponse d;
            try {
                d = Decider.decide(rules, r);
            } catch (RuntimeException unservable) {
                continue;
            }
            for (int i = 0; i < 2; i++) { // twice: the configuration is avoided
                store.record(new Outcome(null, null, r.model(), Outcome.FAILURE, d.gpu(), d.gpuCount(), d.memoryUtilization(),
                        8192, null, "CUDA_OOM", null, null, d.rulesVersion(), null, "CUDA out of memory"));
            }
            store.record(new Outcome(null, null, r.model(), Outcome.STARTED, d.gpu(), d.gpuCount(), d.memoryUtilization(),
                    8192, null, null, d.memory().maxTokensInKvCache() / 2, null, d.rulesVersion(), null, null));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rules.dispose();
        manager.active().ifPresent(RuleSet::dispose);
    }

    /** The service's settings on the benchmark's folder: no watching and no warm-up builds. */
    private static RulesConfig config(Path dir) {
        RulesConfig.Rules rules = new RulesConfig.Rules() {
            public String dir() { return dir.toString(); }
            public boolean watch() { return false; }
            public long settleMs() { return 300; }
            public int warmupBuilds() { return 0; }
            public long warmupDelayMs() { return 0; }
            public int sessionPool() { return 4; }
            public long buildDeadlineMs() { return 60_000; }
        };
        return new RulesConfig() {
            public Rules rules() { return rules; }
            public Admin admin() { return java.util.Optional::empty; }
        };
    }

    private DecideRequest[] fromConfig;

    private DecideRequest nextRequest() {
        next = (next + 1) % requests.length;
        return requests[next];
    }

    @Benchmark
    public byte[] served() {
        return service.decideJson(nextRequest()).toCompletableFuture().join();
    }

    @Benchmark
    public DecideResponse evaluated() {
        return Decider.decide(rules, nextRequest());
    }

    /**
     * {@link #evaluated} as the service evaluates, reading the model's outcome history from the
     * store's cache, for models nothing was reported of: the cost of reading the history (the
     * target is at most 10 % more than {@link #evaluated}).
     */
    @Benchmark
    public DecideResponse evaluatedReadingHistory() {
        return quiet.decide(rules, nextRequest(), null);
    }

    /** The same with two failures and a KV cache reported of every model: reading, and the history rules' own work. */
    @Benchmark
    public DecideResponse evaluatedWithHistory() {
        return service.decide(rules, nextRequest(), null);
    }

    /** A model no catalog knows, decided from its config.json and weight bytes: the target is at most twice {@link #evaluated}. */
    @Benchmark
    public DecideResponse evaluatedFromConfig() {
        return Decider.decide(rules, fromConfig[next = (next + 1) % fromConfig.length]);
    }
}
