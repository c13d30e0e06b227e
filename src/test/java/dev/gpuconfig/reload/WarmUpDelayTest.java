package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RulesCopy;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-up builds leave the first seconds after start to the first decisions: they start only
 * once the rules are active, the server listens and the configured delay has passed, and then run.
 */
class WarmUpDelayTest {

    @Test
    void warmUpBuildsWaitForTheDelayThenRun() throws Exception {
        // without the delay the first warm-up build ends well within it (0.5-2 s here)
        RulesManager rules = TestRules.manager(TestRules.config(RulesCopy.create(), 200, 2, 3000));
        try {
            rules.onStart(new StartupEvent());
            long open = System.nanoTime();
            long deadline = open + TimeUnit.SECONDS.toNanos(60);
            while (rules.warmUpsSettled() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long firstDoneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - open);
            assertTrue(firstDoneMs >= 3000, "the first warm-up build ended " + firstDoneMs + " ms after start, inside the delay");
            while (rules.warmUpsSettled() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, rules.warmUpsSettled(), "both warm-up builds run after the delay");
        } finally {
            rules.onStop(new ShutdownEvent());
            rules.active().ifPresent(RuleSet::dispose);
        }
    }
}
