package dev.gpuconfig.bench;

import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.PolicyTestRunner;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RuleSetBuilder;
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
 * rules; {@code evaluated} runs the whole flow (parse, catalog, Drools) every time.
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
    private DecideRequest[] requests;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        Path dir = PolicyFixtures.folder(catalogRows, ruleFactor);
        RuleSetBuilder.Result r = new RuleSetBuilder(4, new PolicyTestRunner()).build(RuleFolder.read(dir));
        if (!r.ok()) {
            throw new IllegalStateException(r.problems().toString());
        }
        rules = r.ruleSet();
        requests = new DecideRequest[PolicyFixtures.IDS.length];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = DecideRequest.of(PolicyFixtures.IDS[i]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rules.dispose();
    }

    private DecideRequest nextRequest() {
        next = (next + 1) % requests.length;
        return requests[next];
    }

    @Benchmark
    public DecideResponse memoized() {
        return DecisionService.decide(rules, nextRequest());
    }

    @Benchmark
    public DecideResponse evaluated() {
        return DecisionService.decide(rules, nextRequest(), null);
    }
}
