package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RulesCopy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The watcher builds a change at once, while the folder settles: a file saved in two steps (the
 * first half broken) inside the settle time must end in one activation of the final content, and
 * the half-written state must never be reported as a refused version.
 */
class SettleTest {

    @Test
    void aSaveInTwoStepsIsOneActivationOfTheFinalContent() throws Exception {
        Path dir = RulesCopy.create();
        RulesConfig config = TestRules.config(dir, 600);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RulesManager rules = TestRules.manager(config, registry);
        assertEquals(LoadAttempt.ACTIVATED, rules.reload("startup").result());
        String before = rules.active().orElseThrow().version();
        RulesWatcher watcher = new RulesWatcher(rules, config);
        watcher.start();
        try {
            Path csv = dir.resolve("utilization.drl.csv");
            String edited = Files.readString(csv)
                    .replace("utilization: small,small,false,0.88", "utilization: small,small,false,0.87");
            Files.writeString(csv, edited.substring(0, edited.length() / 2)); // the first write: a broken table
            Thread.sleep(150); // the watcher has started building the broken half by now
            Files.writeString(csv, edited);
            String expected = RuleFolder.read(dir).version();
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline && !expected.equals(rules.active().orElseThrow().version())) {
                Thread.sleep(25);
            }
            assertNotEquals(before, expected);
            assertEquals(expected, rules.active().orElseThrow().version(), "the final content was not activated");
            Thread.sleep(1500); // nothing more may follow
            assertEquals(0.0, count(registry, LoadAttempt.REJECTED), "the half-written state was reported");
            assertEquals(2.0, count(registry, LoadAttempt.ACTIVATED), "startup and one activation");
        } finally {
            watcher.stop();
        }
    }

    private static double count(SimpleMeterRegistry registry, String outcome) {
        var c = registry.find("gpu.rules.reloads").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
