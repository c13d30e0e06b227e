package dev.gpuconfig.decide;

import dev.gpuconfig.reload.TestRules;

import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RulesCopy;
import dev.gpuconfig.reload.RulesManager;
import dev.gpuconfig.reload.RulesMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the real rules, copied: after an edit of the rules, a request the old rule set remembered
 * is kept from its first asking under the new rules (not its second), and what is kept is the new
 * rules' answer.
 */
class AskedAcrossEditsTest {
    static final String TINY = "Qwen/Qwen2.5-0.5B-Instruct";
    static final List<DecideRequest> ASKED = new ArrayList<>();

    static {
        for (String model : List.of(TINY, "meta-llama/Llama-3.1-8B-Instruct", "google/gemma-2-9b-it",
                "mistralai/Mixtral-8x7B-Instruct-v0.1")) {
            ASKED.add(DecideRequest.of(model));
            for (int context : new int[]{2048, 4096, 8192}) {
                ASKED.add(new DecideRequest(model, context, null, null, null, null));
            }
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Path dir = RulesCopy.create();
    private final DecisionWorkers workers = new DecisionWorkers(2);
    private RulesManager rules;
    private DecisionService service;

    @AfterEach
    void stop() {
        workers.stop();
    }

    @Test
    void aRememberedRequestIsKeptFromItsFirstAskingAfterAnEditWithTheNewRulesAnswer() throws Exception {
        rules = new RulesManager(TestRules.config(dir, 300), new PolicyTestRunner(), new RulesMetrics(registry), null);
        assertTrue(rules.reload("test").ok(), rules.lastAttempt().errors().toString());
        service = new DecisionService(rules, new DecisionMetrics(registry), workers, TestRequests.reader(),
                dev.gpuconfig.store.TestStores.embedded(dir.resolveSibling(dir.getFileName() + "-store")));
        for (int i = 0; i < 2; i++) { // an answer is remembered from its second asking
            ASKED.forEach(this::ask);
        }
        assertEquals(ASKED.size(), service.remembered());
        byte[] tinyBefore = ask(DecideRequest.of(TINY));

        Path table = dir.resolve("utilization.drl.csv");
        String text = Files.readString(table);
        assertTrue(text.contains("utilization: tiny,tiny,false,0.90"));
        Files.writeString(table, text.replace("utilization: tiny,tiny,false,0.90", "utilization: tiny,tiny,false,0.86"));
        assertEquals("activated", rules.reload("edit").result());
        RuleSet after = active();
        assertEquals(0, service.remembered(), "no answer of the old rules is carried over");

        double evaluated = count("evaluated");
        for (DecideRequest r : ASKED) {
            assertArrayEquals(Json.write(Decider.decide(after, r)), ask(r), r.toString());
        }
        assertEquals(evaluated + ASKED.size(), count("evaluated"), "each evaluated once under the new rules");
        assertEquals(ASKED.size(), service.remembered(), "each kept from its first asking under the new rules");
        double remembered = count("remembered");
        ASKED.forEach(this::ask);
        assertEquals(evaluated + ASKED.size(), count("evaluated"));
        assertEquals(remembered + ASKED.size(), count("remembered"));

        String tinyAfter = new String(ask(DecideRequest.of(TINY)), StandardCharsets.UTF_8);
        assertNotEquals(new String(tinyBefore, StandardCharsets.UTF_8), tinyAfter);
        assertTrue(tinyAfter.contains("\"memoryUtilization\":0.86"), tinyAfter);
    }

    private byte[] ask(DecideRequest r) {
        return service.decideJson(r).toCompletableFuture().join();
    }

    private RuleSet active() {
        return rules.active().orElseThrow();
    }

    private double count(String answer) {
        return registry.find("gpu.decision.latency").tag("answer", answer).timer().count();
    }
}
