package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RulesCopy;

import org.junit.jupiter.api.Test;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Successive reloads must not keep what they replace: Drools has leaked class loaders across
 * redeploys before (#6554, #6617). Heap, metaspace and loaded classes after a warm-up must stay
 * flat over further reloads. (The 1000-reload run is in docs/performance.md; this is its short form.)
 */
class ReloadMemoryTest {
    static final int WARMUP = 10;
    static final int RELOADS = Integer.getInteger("reload.memory.count", 40);

    @Test
    void reloadsDoNotGrowHeapOrMetaspace() throws Exception {
        Path dir = RulesCopy.create();
        Files.delete(dir.resolve("tests/shipped-policy.csv")); // compile-only reloads: the leak would be in compiling
        RulesManager rules = TestRules.manager(TestRules.config(dir, 200));
        reloadAndMeasure(rules, dir, i -> "\n# reload " + i + "\n");
    }

    private static void reloadAndMeasure(RulesManager rules, Path dir, java.util.function.IntFunction<String> edit) throws Exception {
        Path util = dir.resolve("utilization.drl.csv");
        String original = Files.readString(util);
        long[] atWarm = null;
        for (int i = 0; i < WARMUP + RELOADS; i++) {
            RulesCopy.write(util, original + edit.apply(i));
            assertEquals(LoadAttempt.ACTIVATED, rules.reload("test").result());
            if (i == WARMUP - 1) {
                atWarm = usage();
            }
        }
        long[] end = usage();
        double heapMb = (end[0] - atWarm[0]) / 1e6;
        double metaMb = (end[1] - atWarm[1]) / 1e6;
        long classes = end[2] - atWarm[2];
        System.out.printf("after %d more reloads: heap %+.1f MB, metaspace %+.1f MB, loaded classes %+d%n", RELOADS,
                heapMb, metaMb, classes);
        // A leak keeps every rule set: about 1 MB of metaspace and 150 classes per reload.
        assertTrue(metaMb < 0.25 * RELOADS, "metaspace grew " + metaMb + " MB over " + RELOADS + " reloads");
        assertTrue(classes < 30L * RELOADS, "loaded classes grew " + classes + " over " + RELOADS + " reloads");
        assertTrue(heapMb < 2.0 * RELOADS, "heap grew " + heapMb + " MB over " + RELOADS + " reloads");
    }

    private static long[] usage() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long meta = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().contains("Metaspace")) {
                meta += pool.getUsage().getUsed();
            }
        }
        ClassLoadingMXBean cl = ManagementFactory.getClassLoadingMXBean();
        return new long[]{ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), meta, cl.getLoadedClassCount()};
    }
}
