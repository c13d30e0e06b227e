package dev.gpuconfig.reload;

import dev.gpuconfig.engine.CompiledRules;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSetBuilder;
import dev.gpuconfig.engine.RulesCopy;

import dev.gpuconfig.decide.PolicyTestRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's early build is used only for the folder, pool and content it was built from. */
class EarlyBuildTest {

    @Test
    void theEarlyBuildServesTheSameFolderAndNothingElse() {
        Path dir = RulesCopy.create();
        EarlyBuild.start(dir, 2, new PolicyTestRunner());
        RuleSetBuilder.Result r = EarlyBuild.take(dir.resolve("."), 2);
        assertNotNull(r);
        assertTrue(r.ok(), () -> r.problems().toString());
        assertEquals(RuleFolder.read(dir).version(), r.version());
        assertNull(EarlyBuild.take(dir, 2), "taken once");
        r.ruleSet().dispose();

        EarlyBuild.start(dir, 2, new PolicyTestRunner());
        assertNull(EarlyBuild.take(RulesCopy.create(), 2), "another folder");
        EarlyBuild.start(dir, 2, new PolicyTestRunner());
        assertNull(EarlyBuild.take(dir, 4), "another pool size");
    }

    @Test
    void theEarlyBuildReadsAFolderCompiledBeforeFromTheCache() throws Exception {
        Path dir = RulesCopy.create();
        CompiledRules cache = new CompiledRules(RulesCopy.tempDir("compiled"));
        EarlyBuild.start(dir, 2, new PolicyTestRunner(), cache);
        RuleSetBuilder.Result first = EarlyBuild.take(dir, 2);
        assertTrue(first.ok() && !first.ruleSet().fromCache(), "nothing kept yet");
        cache.keep(first.ruleSet()); // as the manager does once it is active
        first.discard();

        EarlyBuild.start(dir, 2, new PolicyTestRunner(), cache); // the next start of the service
        RuleSetBuilder.Result again = EarlyBuild.take(dir, 2);
        assertTrue(again.ok(), () -> again.problems().toString());
        assertTrue(again.ruleSet().fromCache(), again.phasesMs().toString());
        again.discard();
    }

    @Test
    void aFolderChangedDuringTheEarlyBuildIsBuiltAgainAtStartup() throws Exception {
        Path dir = RulesCopy.create();
        RulesManager rules = TestRules.manager(TestRules.config(dir, 200, 30));
        EarlyBuild.start(dir, 2, new PolicyTestRunner());
        RuleSetBuilder.Result early = EarlyBuild.take(dir, 2);
        Files.writeString(dir.resolve("settings.properties"), "\n# changed after the early build\n",
                java.nio.file.StandardOpenOption.APPEND);
        LoadAttempt a = rules.reload("startup", early);
        assertEquals(LoadAttempt.ACTIVATED, a.result());
        assertEquals(RuleFolder.read(dir).version(), rules.active().orElseThrow().version());
        assertTrue(!a.trigger().contains("built ahead"), a.trigger());
    }

    @Test
    void aBuildOfTheContentAlreadyActiveIsDisposedNotLeaked() {
        Path dir = RulesCopy.create();
        RulesManager rules = TestRules.manager(TestRules.config(dir, 200, 30));
        assertEquals(LoadAttempt.ACTIVATED, rules.reload("startup").result());
        RuleSetBuilder.Result ahead = new RuleSetBuilder(2, new PolicyTestRunner()).build(RuleFolder.read(dir));
        assertTrue(ahead.ok(), () -> ahead.problems().toString());
        assertEquals(LoadAttempt.UNCHANGED, rules.reload("watch", ahead).result());
        assertTrue(ahead.ruleSet().disposed(), "the unused build still holds its KieModule");
        assertTrue(!rules.active().orElseThrow().disposed());
    }
}
