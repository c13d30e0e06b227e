package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RulesCopy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rule whose action never returns is refused when the policy tests run it, named by file and
 * line, within the build deadline; the thread it held is stopped, and the next valid edit is
 * activated as usual.
 */
class RunawayRuleTest {
    static final String SPIN = """
            package dev.gpuconfig.policy;
            import dev.gpuconfig.profile.ModelProfile;

            rule "spin forever"
                salience 1000
                dialect "java"
            when
                ModelProfile( )
            then
                long n = 0;
                while (n >= 0) { n = (n + 1) % 1000; }
            end
            """;

    @Test
    void aRuleThatNeverReturnsIsRefusedByNameAndTheNextEditIsActivated() throws Exception {
        Path dir = RulesCopy.create();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RulesManager rules = TestRules.manager(TestRules.config(dir, 200, 0, 0, 3000), registry);
        try {
            assertEquals(LoadAttempt.ACTIVATED, rules.reload("start").result());
            String good = rules.active().orElseThrow().version();

            Files.writeString(dir.resolve("spin.drl"), SPIN);
            long start = System.nanoTime();
            LoadAttempt spun = rules.reload("edit");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(LoadAttempt.REJECTED, spun.result());
            assertTrue(ms < 8000, "the refusal took " + ms + " ms");
            assertEquals("spin.drl", spun.errors().get(0).file(), spun.errors().toString());
            assertEquals(4, spun.errors().get(0).line(), spun.errors().toString());
            assertTrue(spun.errors().get(0).message().contains("'spin forever' did not return"), spun.errors().toString());
            assertEquals(good, rules.active().orElseThrow().version(), "the last good rules keep serving");
            assertEquals(0.0, registry.get("gpu.rules.stuck.builds").gauge().value(), "the stuck thread was stopped");

            Files.delete(dir.resolve("spin.drl"));
            RulesCopy.write(dir.resolve("settings.properties"), RulesCopy.read(dir.resolve("settings.properties")) + "\n# edited\n");
            assertEquals(LoadAttempt.ACTIVATED, rules.reload("next edit").result());
        } finally {
            rules.onStop(new ShutdownEvent());
            rules.active().ifPresent(RuleSet::dispose);
        }
    }
}
