package dev.gpuconfig.engine;

import dev.gpuconfig.check.PolicyCheck;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.Decider;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.PolicyException;
import dev.gpuconfig.decide.PolicyTestRunner;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What policy authors do: follow the README's recipes, break things, and run the check command. */
class PolicyAuthoringTest {

    private static RuleSetBuilder.Result build(Path dir) {
        return new RuleSetBuilder(2, new PolicyTestRunner()).build(RuleFolder.read(dir));
    }

    /** Removes the folder's policy tests, for a rule the tests would have caught before activation. */
    private static void deletePolicyTests(Path dir) throws IOException {
        try (var s = Files.list(dir.resolve("tests"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void theReadmesPinModelRecipeWorksAsWritten() throws IOException {
        String readme = Files.readString(Path.of("rules/README.md"));
        Matcher m = Pattern.compile("```drl\\n(// example: pin-model\\n.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "rules/README.md has a drl block starting with // example: pin-model");
        String snippet = m.group(1);
        assertTrue(snippet.contains("MODEL_ID") && snippet.contains("GPU_NAME"));
        Path dir = RulesCopy.create();
        Files.createDirectories(dir.resolve("pins"));
        Files.writeString(dir.resolve("pins/my-model.drl"), snippet.replace("MODEL_ID", "Qwen/Qwen2.5-1.5B-Instruct")
                .replace("GPU_NAME", "A10G"));
        RuleSetBuilder.Result r = build(dir);
        assertTrue(r.ok(), () -> r.problems().toString());
        DecideResponse pinned = Decider.decide(r.ruleSet(), DecideRequest.of("Qwen/Qwen2.5-1.5B-Instruct"));
        assertEquals("A10G", pinned.gpu());
        assertTrue(pinned.firedRules().contains("pin: Qwen/Qwen2.5-1.5B-Instruct on A10G"));
        DecideResponse other = Decider.decide(r.ruleSet(), DecideRequest.of("Qwen/Qwen2.5-0.5B-Instruct"));
        assertEquals("T4", other.gpu(), "other models are not pinned");
        r.ruleSet().dispose();
    }

    @Test
    void aLoopingRuleIsCaughtByThePolicyTestsBeforeActivation() throws IOException {
        Path dir = RulesCopy.create();
        Files.writeString(dir.resolve("loop.drl"), LOOP);
        RuleSetBuilder.Result r = build(dir);
        assertFalse(r.ok());
        assertTrue(r.problems().stream().anyMatch(p -> p.file().startsWith("tests/") && p.message().contains("keeps re-firing")
                && p.message().contains("loop: bump the context")), r.problems().toString());
    }

    @Test
    void aLoopingRuleThatSlipsThroughFailsOneRequestNamingTheRule() throws IOException {
        Path dir = RulesCopy.create();
        Files.writeString(dir.resolve("loop.drl"), LOOP);
        deletePolicyTests(dir);
        RuleSetBuilder.Result r = build(dir);
        assertTrue(r.ok(), () -> r.problems().toString());
        PolicyException e = assertThrows(PolicyException.class,
                () -> Decider.decide(r.ruleSet(), DecideRequest.of("microsoft/phi-2")));
        assertEquals(DecideException.Kind.POLICY_FAILED, e.kind());
        assertEquals("loop: bump the context", e.rule());
        r.ruleSet().dispose();
    }

    @Test
    void aLoopStopsOnlyItsOwnRequestAndTheSessionsStayUsable() throws IOException {
        Path dir = RulesCopy.create();
        Files.writeString(dir.resolve("loop.drl"), LOOP.replace("$d : Decision( noFit == false )",
                "dev.gpuconfig.profile.ModelProfile( family matches \"phi.*\" )\n    $d : Decision( noFit == false )"));
        deletePolicyTests(dir);
        RuleSetBuilder.Result r = build(dir);
        assertTrue(r.ok(), () -> r.problems().toString());
        // more rounds than the pool holds sessions: each pooled session has been stopped by a loop
        for (int round = 0; round < 4; round++) {
            // the three-argument decide evaluates every time: no answer comes from the memo
            PolicyException e = assertThrows(PolicyException.class,
                    () -> Decider.decide(r.ruleSet(), DecideRequest.of("microsoft/phi-2"), null, java.util.List.of()), "round " + round);
            assertEquals("loop: bump the context", e.rule());
            DecideResponse ok = Decider.decide(r.ruleSet(), DecideRequest.of("Qwen/Qwen2.5-0.5B-Instruct"), null, java.util.List.of());
            assertEquals("T4", ok.gpu(), "round " + round);
            assertTrue(ok.firedRules().contains("engine: core arguments"), ok.firedRules().toString());
        }
        r.ruleSet().dispose();
    }

    @Test
    void rulesAreMvelUnlessTheyAskForJava() throws IOException {
        Path dir = RulesCopy.create();
        Files.writeString(dir.resolve("java-rule.drl"), """
                package dev.gpuconfig.policy;
                import dev.gpuconfig.profile.ModelProfile;
                rule "java: a rule that asks for it"
                    dialect "java"
                when
                    ModelProfile( family == "no-such-family" )
                then
                    java.util.List<String> typed = new java.util.ArrayList<>();
                end
                """);
        RuleSetBuilder.Result r = new RuleSetBuilder(2).build(RuleFolder.read(dir));
        assertTrue(r.ok(), () -> r.problems().toString());
        int seen = 0;
        for (org.kie.api.definition.KiePackage p : r.ruleSet().kieBase().getKiePackages()) {
            for (org.kie.api.definition.rule.Rule rule : p.getRules()) {
                String dialect = ((org.drools.base.definitions.rule.impl.RuleImpl) rule).getDialect();
                assertEquals(rule.getName().startsWith("java:") ? "java" : "mvel", dialect, rule.getName());
                seen++;
            }
        }
        assertTrue(seen > 50, "rules seen: " + seen);
        r.ruleSet().dispose();
    }

    @Test
    void aRuleThatThrowsFailsTheRequestNamingTheRule() throws IOException {
        Path dir = RulesCopy.create();
        Files.writeString(dir.resolve("throws.drl"), """
                package dev.gpuconfig.policy;
                import dev.gpuconfig.profile.ModelProfile;
                rule "throws: always"
                    dialect "java"
                when
                    ModelProfile( family == "phi-2" )
                then
                    throw new IllegalStateException("boom");
                end
                """);
        RuleSetBuilder.Result r = new RuleSetBuilder(2).build(RuleFolder.read(dir));
        assertTrue(r.ok(), () -> r.problems().toString());
        PolicyException e = assertThrows(PolicyException.class,
                () -> Decider.decide(r.ruleSet(), DecideRequest.of("microsoft/phi-2")));
        assertEquals("throws: always", e.rule());
        assertTrue(e.getMessage().contains("boom"));
        r.ruleSet().dispose();
    }

    @Test
    void everyProblemIsReportedWithFileAndLineSorted() throws IOException {
        Path dir = RulesCopy.create();
        Files.writeString(dir.resolve("zz-broken.drl"), "package dev.gpuconfig.policy;\n\nrule \"x\"\nwhen\n  Foo(\nthen\nend\n");
        Files.writeString(dir.resolve("catalog/gpus.csv"), Files.readString(dir.resolve("catalog/gpus.csv"))
                .replace("L4,22.5,8.9", "L4,lots,8.9"));
        Files.writeString(dir.resolve("selection.xlsx"), "not a table");
        Files.writeString(dir.resolve("formats.drl.csv"), Files.readString(dir.resolve("formats.drl.csv"))
                .replace("format: awq,awq,4,,4bit,0.55,awq,true,7.5", "format: awq,awq,4,,4bit,0.55x,awq,true,7.5"));
        RuleSetBuilder.Result r = new RuleSetBuilder(2).build(RuleFolder.read(dir));
        assertFalse(r.ok());
        List<String> files = r.problems().stream().map(RuleProblem::file).toList();
        assertTrue(files.contains("zz-broken.drl"), files.toString());
        assertTrue(files.contains("catalog/gpus.csv"), files.toString());
        assertTrue(files.contains("selection.xlsx"), files.toString());
        assertTrue(files.contains("formats.drl.csv"), files.toString());
        RuleProblem gpu = r.problems().stream().filter(p -> p.file().equals("catalog/gpus.csv")).findFirst().orElseThrow();
        assertEquals(8, gpu.line(), "the L4 row");
        RuleProblem table = r.problems().stream().filter(p -> p.file().equals("formats.drl.csv")).findFirst().orElseThrow();
        assertEquals(16, table.line(), "the sheet row of the awq rule");
        assertEquals(r.problems().stream().sorted(RuleProblem.ORDER).toList(), r.problems(), "sorted by file and line");
    }

    @Test
    void aHalfSavedSpreadsheetIsNamed() throws IOException {
        Path dir = RulesCopy.create();
        byte[] xlsx = Files.readAllBytes(dir.resolve("size-bands.drl.xlsx"));
        Files.write(dir.resolve("size-bands.drl.xlsx"), java.util.Arrays.copyOf(xlsx, xlsx.length / 2));
        RuleSetBuilder.Result r = new RuleSetBuilder(2).build(RuleFolder.read(dir));
        assertFalse(r.ok());
        assertEquals("size-bands.drl.xlsx", r.problems().get(0).file());
    }

    @Test
    void anEditedSpreadsheetCellChangesTheDecision() throws IOException {
        // what an author does in a spreadsheet program: change one cell of the selection table
        Path dir = RulesCopy.create();
        Path sheet = dir.resolve("gpu-selection.drl.xlsx");
        List<List<String>> rows = Spreadsheets.read(sheet);
        for (List<String> row : rows) {
            if (!row.isEmpty() && row.get(0).equals("gpu selection: tiny 16bit")) {
                row.set(3, "L4, T4");
            }
        }
        Spreadsheets.write(rows, sheet);
        Files.delete(dir.resolve("tests/shipped-policy.csv"));
        RuleSetBuilder.Result r = build(dir);
        assertTrue(r.ok(), () -> r.problems().toString());
        assertEquals("L4", Decider.decide(r.ruleSet(), DecideRequest.of("Qwen/Qwen2.5-0.5B-Instruct")).gpu());
        r.ruleSet().dispose();
    }

    @Test
    void theCheckCommandPassesTheShippedRulesAndFailsBrokenOnes() throws IOException {
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        assertEquals(0, PolicyCheck.run("rules", new PrintStream(ok, true, StandardCharsets.UTF_8)));
        assertTrue(ok.toString(StandardCharsets.UTF_8).startsWith("OK "), ok.toString(StandardCharsets.UTF_8));

        Path dir = RulesCopy.create();
        Files.writeString(dir.resolve("tests/extra.csv"), "model,gpu\nmicrosoft/phi-2,B200\n");
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        assertEquals(1, PolicyCheck.run(dir.toString(), new PrintStream(bad, true, StandardCharsets.UTF_8)));
        String out = bad.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("tests/extra.csv:2: test failed for microsoft/phi-2: gpu is T4, expected B200"), out);
        assertTrue(out.contains("FAILED"), out);
    }

    @Test
    void unknownColumnsInAPolicyTestAreReported() throws IOException {
        Path dir = RulesCopy.create();
        Files.writeString(dir.resolve("tests/typo.csv"), "model,gpus\nmicrosoft/phi-2,T4\n");
        RuleSetBuilder.Result r = build(dir);
        assertFalse(r.ok());
        assertNotNull(r.problems().stream().filter(p -> p.file().equals("tests/typo.csv") && p.message().contains("gpus"))
                .findFirst().orElse(null), r.problems().toString());
    }

    static final String LOOP = """
            package dev.gpuconfig.policy;
            import dev.gpuconfig.policy.Decision;
            rule "loop: bump the context"
            when
                $d : Decision( noFit == false )
            then
                modify($d) { setNoFit(false) }
            end
            """;
}
