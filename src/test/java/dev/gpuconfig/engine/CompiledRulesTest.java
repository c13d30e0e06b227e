package dev.gpuconfig.engine;

import dev.gpuconfig.reload.TestRules;
import dev.gpuconfig.policy.Incident;
import dev.gpuconfig.policy.RecoveryPlan;
import dev.gpuconfig.reload.LoadAttempt;
import dev.gpuconfig.reload.RulesManager;

import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.PolicyTestRunner;
import dev.gpuconfig.modelid.Quantization;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compiled-rules cache on real files with the real Drools engine: a version compiled once is
 * read back instead of compiled and decides exactly as compiled rules do; anything unusable
 * (another build's entry, a damaged file, rules that fail their tests, a folder that cannot be
 * written) leaves the service compiling as if there were no cache.
 */
class CompiledRulesTest {

    private static RuleSetBuilder.Result build(Path rules, CompiledRules cache) {
        return new RuleSetBuilder(2, new PolicyTestRunner(), cache).build(RuleFolder.read(rules));
    }

    /** The folder compiled (nothing kept yet) and kept in {@code cache}, as the manager does once it is active. */
    private static RuleSetBuilder.Result compiledAndKept(Path rules, CompiledRules cache) {
        RuleSetBuilder.Result compiled = build(rules, cache);
        assertTrue(compiled.ok(), compiled.problems().toString());
        assertFalse(compiled.ruleSet().fromCache(), "nothing kept yet");
        cache.keep(compiled.ruleSet());
        return compiled;
    }

    @Test
    void aVersionCompiledOnceIsReadBackAndDecidesExactlyAsCompiledRules() throws Exception {
        Path rules = RulesCopy.create();
        CompiledRules cache = new CompiledRules(RulesCopy.tempDir("compiled"), "build-a");
        RuleSetBuilder.Result compiled = compiledAndKept(rules, cache);
        assertTrue(compiled.phasesMs().containsKey("compile"), compiled.phasesMs().toString());

        RuleSetBuilder.Result read = build(rules, cache);
        assertTrue(read.ok(), read.problems().toString());
        assertTrue(read.ruleSet().fromCache());
        assertFalse(read.phasesMs().containsKey("compile"), read.phasesMs().toString());
        assertTrue(read.phasesMs().containsKey("tests"), "read rules pass the policy tests again: " + read.phasesMs());
        assertEquals(compiled.ruleSet().ruleCount(), read.ruleSet().ruleCount());

        List<DecideRequest> requests = requests(rules);
        int answered = 0;
        for (DecideRequest req : requests) {
            Object expected = outcome(compiled.ruleSet(), req);
            assertEquals(expected, outcome(read.ruleSet(), req), req.toString());
            answered += expected instanceof String ? 0 : 1;
        }
        for (String error : List.of("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
                "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (16384)",
                "RuntimeError: CUDA error: no kernel image is available for execution on the device",
                "something nobody has seen")) {
            RecoveryPlan a = DecisionEngine.recover(compiled.ruleSet(), new Incident(error, 1, "L4", 1, 0.9, 32768, 32768, null, false, true));
            RecoveryPlan b = DecisionEngine.recover(read.ruleSet(), new Incident(error, 1, "L4", 1, 0.9, 32768, 32768, null, false, true));
            assertEquals(a.getFiredRules(), b.getFiredRules(), error);
            assertEquals(a.getAction(), b.getAction(), error);
            assertEquals(a.getEngineArgs(), b.getEngineArgs(), error);
        }
        assertTrue(answered > 300, "every catalog model, several ways: " + answered + " of " + requests.size() + " answered");
        compiled.discard();
        read.discard();
    }

    /** The answer, or why the request was refused: a refusal must be the same too. */
    private static Object outcome(RuleSet rs, DecideRequest req) {
        try {
            return DecisionService.decide(rs, req, null);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** Every catalog model under an id of its own, with and without overrides, and ids no catalog row names. */
    private static List<DecideRequest> requests(Path rules) throws Exception {
        List<DecideRequest> out = new ArrayList<>();
        for (String id : CatalogIds.of(rules)) {
            out.add(DecideRequest.of(id));
            out.add(new DecideRequest(id, 131072, null, null, null, null));
            out.add(new DecideRequest(id, null, null, Quantization.FP8, null, "H100"));
            out.add(new DecideRequest(id + "-AWQ", 8192, null, null, true, null));
        }
        for (String id : List.of("unknown/Mystery-13B", "unknown/mystery", "TheBloke/Llama-2-70B-GGUF:Q4_K_M",
                "someone/Qwen3-235B-A22B-GPTQ-Int4", "x/gemma-3-27b-it", "x/tiny-1B-bnb-4bit")) {
            out.add(DecideRequest.of(id));
            out.add(new DecideRequest(id, 4096, 14.0, null, null, "T4"));
        }
        return out;
    }

    @Test
    void anEntryOfAnotherBuildIsNeverRead() throws Exception {
        Path rules = RulesCopy.create();
        Path dir = RulesCopy.tempDir("compiled");
        CompiledRules ours = new CompiledRules(dir, "build-a");
        RuleSetBuilder.Result compiled = compiledAndKept(rules, ours);
        compiled.discard();

        CompiledRules rebuilt = new CompiledRules(dir, "build-b");
        assertFalse(Files.exists(rebuilt.file(compiled.version())), "another build names its entries differently");
        Files.copy(ours.file(compiled.version()), rebuilt.file(compiled.version())); // even under its name
        RuleSetBuilder.Result r = build(rules, rebuilt);
        assertTrue(r.ok(), r.problems().toString());
        assertFalse(r.ruleSet().fromCache(), "the header names build-a");
        assertFalse(Files.exists(rebuilt.file(compiled.version())), "the unusable entry is dropped");
        r.discard();
    }

    @Test
    void aDamagedEntryIsDroppedAndTheFolderCompiled() throws Exception {
        Path rules = RulesCopy.create();
        CompiledRules cache = new CompiledRules(RulesCopy.tempDir("compiled"), "build-a");
        String version = RuleFolder.read(rules).version();
        Files.createDirectories(cache.dir());
        Files.write(cache.file(version), new byte[] {(byte) 0xac, (byte) 0xed, 0, 5, 1, 2, 3}); // half written
        RuleSetBuilder.Result r = build(rules, cache);
        assertTrue(r.ok(), r.problems().toString());
        assertFalse(r.ruleSet().fromCache());
        assertFalse(Files.exists(cache.file(version)));
        r.discard();
    }

    @Test
    void readRulesThatFailTheirPolicyTestsAreDroppedAndTheFolderCompiled() throws Exception {
        assertDroppedAndCompiledWhenCachedRulesGet(rs -> List.of(new RuleProblem("tests/shipped-policy.csv", 5,
                "gpu is T4, expected L4")));
    }

    @Test
    void readRulesThatThrowInTheirPolicyTestsAreDroppedAndTheFolderCompiled() throws Exception {
        assertDroppedAndCompiledWhenCachedRulesGet(rs -> {
            throw new IllegalStateException("a rule of the entry cannot run");
        });
    }

    /**
     * The folder kept compiled, then built with its policy tests as the builder runs them, except
     * that rules read from the cache get {@code onCachedRules}: the build must compile the folder
     * (not refuse it) and drop the entry.
     */
    private static void assertDroppedAndCompiledWhenCachedRulesGet(java.util.function.Function<RuleSet, List<RuleProblem>> onCachedRules)
            throws Exception {
        Path rules = RulesCopy.create();
        CompiledRules cache = new CompiledRules(RulesCopy.tempDir("compiled"), "build-a");
        compiledAndKept(rules, cache).discard();
        CandidateCheck check = (rs, folder) -> rs.fromCache() ? onCachedRules.apply(rs) : new PolicyTestRunner().check(rs, folder);
        RuleSetBuilder.Result r = new RuleSetBuilder(2, check, cache).build(RuleFolder.read(rules));
        assertTrue(r.ok(), "not refused: " + r.problems());
        assertFalse(r.ruleSet().fromCache());
        assertTrue(r.phasesMs().containsKey("compile"), r.phasesMs().toString());
        assertFalse(Files.exists(cache.file(r.version())), "the entry that failed is gone");
        r.discard();
    }

    @Test
    void aFolderThatCannotBeWrittenOnlyCostsTheHeadStart() throws Exception {
        Path notADir = RulesCopy.tempDir("compiled").resolve("a-file");
        Files.writeString(notADir, "in the way");
        CompiledRules cache = new CompiledRules(notADir, "build-a");
        Path rules = RulesCopy.create();
        RuleSetBuilder.Result r = build(rules, cache);
        cache.keep(r.ruleSet()); // logs, does not throw
        assertNull(cache.read(r.version(), getClass().getClassLoader()));
        assertTrue(r.ok());
        r.discard();
    }

    @Test
    void aFolderOthersMayWriteIsNeitherReadNorWritten() throws Exception {
        Path rules = RulesCopy.create();
        CompiledRules cache = new CompiledRules(RulesCopy.tempDir("compiled"), "build-a");
        RuleSetBuilder.Result compiled = compiledAndKept(rules, cache);
        RuleSetBuilder.Result read = build(rules, cache);
        assertTrue(read.ruleSet().fromCache(), "a folder of our own, 0700");
        read.discard();

        // what a folder squatted under a shared /tmp looks like: anyone could have planted the entry
        Files.setPosixFilePermissions(cache.dir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        RuleSetBuilder.Result r = build(rules, cache);
        assertTrue(r.ok(), r.problems().toString());
        assertFalse(r.ruleSet().fromCache(), "an entry others could have written is not read");
        Files.delete(cache.file(compiled.version()));
        cache.keep(r.ruleSet());
        assertFalse(Files.exists(cache.file(compiled.version())), "nor written there");
        compiled.discard();
        r.discard();
    }

    @Test
    void theCacheFolderIsMadeForTheServiceUserAlone() throws Exception {
        Path dir = RulesCopy.tempDir("compiled").resolve("made-here");
        CompiledRules cache = new CompiledRules(dir, "build-a");
        RuleSetBuilder.Result r = build(RulesCopy.create(), cache);
        cache.keep(r.ruleSet());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(cache.file(r.version()))));
        r.discard();
    }

    @Test
    void theManagerKeepsWhatItActivatesAndARestartReadsIt() throws Exception {
        Path rules = RulesCopy.create();
        Path dir = RulesCopy.tempDir("compiled");
        RulesManager first = TestRules.manager(TestRules.config(rules, 200, 30, dir));
        assertEquals(LoadAttempt.ACTIVATED, first.reload("startup").result());
        assertFalse(first.active().orElseThrow().fromCache());
        CompiledRules cache = new CompiledRules(dir);
        Path entry = cache.file(first.active().orElseThrow().version());
        for (int i = 0; i < 200 && !Files.exists(entry); i++) {
            Thread.sleep(50); // written on the build thread after the swap
        }
        assertTrue(Files.exists(entry), "kept after activation: " + entry);

        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        RulesManager restarted = TestRules.manager(TestRules.config(rules, 200, 30, dir), registry);
        LoadAttempt a = restarted.reload("startup");
        assertEquals(LoadAttempt.ACTIVATED, a.result());
        assertTrue(restarted.active().orElseThrow().fromCache(), a.phasesMs().toString());
        assertNotNull(a.phasesMs().get("cache"));
        assertEquals(1.0, registry.get("gpu.rules.activations").tag("rules", "read_compiled").counter().count(),
                "operators see that the restart found its rules compiled");
        assertEquals(first.active().orElseThrow().version(), restarted.active().orElseThrow().version());
    }

    @Test
    void oldEntriesArePruned() throws Exception {
        Path rules = RulesCopy.create();
        CompiledRules cache = new CompiledRules(RulesCopy.tempDir("compiled"), "build-a");
        RuleSetBuilder.Result r = build(rules, cache);
        for (int i = 0; i < CompiledRules.KEEP + 3; i++) {
            cache.write("sha256:v" + i, r.ruleSet().kieBase().getKiePackages());
        }
        try (var s = Files.list(cache.dir())) {
            assertEquals(CompiledRules.KEEP, s.count());
        }
        assertTrue(Files.exists(cache.file("sha256:v" + (CompiledRules.KEEP + 2))), "the newest stays");
        r.discard();
    }

    @Test
    void anEntryReadRecentlyOutlivesOnesWrittenAfterIt() throws Exception {
        Path rules = RulesCopy.create();
        CompiledRules cache = new CompiledRules(RulesCopy.tempDir("compiled"), "build-a");
        RuleSetBuilder.Result r = build(rules, cache);
        long now = System.currentTimeMillis();
        for (int i = 0; i < CompiledRules.KEEP; i++) { // v0 written first, a minute apart
            cache.write("sha256:v" + i, r.ruleSet().kieBase().getKiePackages());
            Files.setLastModifiedTime(cache.file("sha256:v" + i),
                    java.nio.file.attribute.FileTime.fromMillis(now - (CompiledRules.KEEP - i) * 60_000L));
        }
        assertNotNull(cache.read("sha256:v0", getClass().getClassLoader()), "the oldest, read again (an edit reverted)");
        cache.write("sha256:new", r.ruleSet().kieBase().getKiePackages());
        assertTrue(Files.exists(cache.file("sha256:v0")), "kept: read last");
        assertFalse(Files.exists(cache.file("sha256:v1")), "pruned: the one used longest ago");
        r.discard();
    }
}
