package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RulesCopy;

import dev.gpuconfig.decide.PolicyTestRunner;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up with the launcher's early build does not hold the framework's start: the rules are
 * activated on the rules manager's build thread and readiness says DOWN until they are. Without
 * an early build (tests, dev mode) they are active before the start returns.
 */
class StartupActivationTest {

    @Test
    void withAnEarlyBuildTheStartDoesNotWaitAndReadinessFollowsTheActivation() throws Exception {
        Path dir = RulesCopy.create();
        CountDownLatch release = new CountDownLatch(1);
        PolicyTestRunner tests = new PolicyTestRunner();
        // the early build's policy tests wait for the test to let them go: the build is still running
        EarlyBuild.start(dir, 2, (candidate, folder) -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return tests.check(candidate, folder);
        });
        RulesManager rules = TestRules.manager(TestRules.config(dir, 200, 30));
        RulesReadiness readiness = new RulesReadiness(rules);

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> rules.onStart(null), "start-up waited for the build");
        assertTrue(rules.active().isEmpty());
        assertEquals(HealthCheckResponse.Status.DOWN, readiness.call().getStatus());
        assertFalse(rules.firstActive().toCompletableFuture().isDone());

        release.countDown();
        rules.firstActive().toCompletableFuture().get(60, TimeUnit.SECONDS);
        RuleSet first = rules.active().orElseThrow();
        assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus());
        assertEquals(LoadAttempt.ACTIVATED, rules.lastAttempt().result());
        assertTrue(rules.lastAttempt().trigger().contains("built ahead"), rules.lastAttempt().trigger());
        assertEquals(RuleFolder.read(dir).version(), first.version());
    }

    @Test
    void withoutAnEarlyBuildTheRulesAreActiveWhenTheStartReturns() {
        Path dir = RulesCopy.create();
        RulesManager rules = TestRules.manager(TestRules.config(dir, 200, 30));
        rules.onStart(null);
        assertTrue(rules.active().isPresent());
        assertTrue(rules.firstActive().toCompletableFuture().isDone());
        assertEquals(HealthCheckResponse.Status.UP, new RulesReadiness(rules).call().getStatus());
    }
}
