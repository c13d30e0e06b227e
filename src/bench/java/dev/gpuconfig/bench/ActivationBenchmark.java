package dev.gpuconfig.bench;

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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What an activation costs in a running service: read the folder, compile, load catalogs, run the
 * policy tests (a warm JVM; the first build of a JVM also loads the compiler, about 2 s more).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-Xmx2g"})
public class ActivationBenchmark {

    @Param({"0", "1000", "10000"})
    public int catalogRows;

    @Param({"1", "10"})
    public int ruleFactor;

    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        dir = PolicyFixtures.folder(catalogRows, ruleFactor);
        RuleSet grown = PolicyFixtures.build(dir);
        PolicyFixtures.checkGrown(grown, ruleFactor);
        grown.dispose();
    }

    @Benchmark
    public Object activate() {
        RuleSet r = PolicyFixtures.build(dir);
        r.dispose();
        return r;
    }
}
