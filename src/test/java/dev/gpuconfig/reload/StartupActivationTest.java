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
 * Start-up activates the rules through the one load path, before the start returns: readiness is
 * UP once it has.
 */
class StartupActivationTest {

    @Test
    void theRulesAreActiveWhenTheStartReturns() {
        Path dir = RulesCopy.create();
        RulesManager rules = TestRules.manager(TestRules.config(dir, 200));
        rules.onStart(null);
        assertTrue(rules.active().isPresent());
        assertEquals(LoadAttempt.ACTIVATED, rules.lastAttempt().result());
        assertEquals("startup", rules.lastAttempt().trigger());
        assertEquals(HealthCheckResponse.Status.UP, new RulesReadiness(rules).call().getStatus());
    }
}
