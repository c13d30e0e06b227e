package dev.gpuconfig.launch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/jvm-flags.sh, which the image's entrypoint and the HTTP benchmark source: the JIT profile
 * and the event loops it sets, run by the POSIX shell the image uses.
 */
class JvmFlagsScriptTest {

    private record Run(int exit, String out) {
    }

    private static Run source(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c",
                ". docker/jvm-flags.sh && echo \"$JVM_FLAGS|$QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE|$MALLOC_ARENA_MAX\"");
        pb.environment().remove("GPU_JIT");
        pb.environment().remove("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return new Run(p.waitFor(), out);
    }

    private static int cpus() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nproc").start();
        return Integer.parseInt(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }

    @Test
    void throughputIsTheDefaultWithTheFullJitAndOneEventLoopPerTwoCpus() throws Exception {
        Run r = source(Map.of());
        assertEquals(0, r.exit(), r.out());
        String[] parts = r.out().split("\\|");
        assertFalse(parts[0].contains("TieredStopAtLevel"), r.out());
        assertTrue(parts[0].contains("-XX:CompileThresholdScaling=2"), r.out());
        assertEquals(String.valueOf(Math.max(1, cpus() / 2)), parts[1]);
        assertEquals("2", parts[2]);
        assertEquals(r.out(), source(Map.of("GPU_JIT", "throughput")).out());
    }

    @Test
    void fastStartRunsC1OnlyWithOneEventLoopPerCpu() throws Exception {
        Run r = source(Map.of("GPU_JIT", "fast-start"));
        assertEquals(0, r.exit(), r.out());
        String[] parts = r.out().split("\\|");
        assertTrue(parts[0].contains("-XX:TieredStopAtLevel=1"), r.out());
        assertEquals(String.valueOf(cpus()), parts[1]);
    }

    @Test
    void anOperatorsEventLoopCountWins() throws Exception {
        Run r = source(Map.of("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE", "6"));
        assertEquals("6", r.out().split("\\|")[1]);
    }

    @Test
    void anUnknownProfileStopsWithTheChoices() throws Exception {
        Run r = source(Map.of("GPU_JIT", "turbo"));
        assertEquals(2, r.exit());
        assertTrue(r.out().contains("GPU_JIT must be fast-start or throughput, not 'turbo'"), r.out());
    }
}
