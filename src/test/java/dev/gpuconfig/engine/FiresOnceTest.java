package dev.gpuconfig.engine;

import dev.gpuconfig.policy.Incident;

import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.Decider;
import dev.gpuconfig.modelid.Quantization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In the shipped policy no rule fires twice on the same facts, and no warning is given twice. A
 * fit rule that called a method other than a setter on the decision it modified once made Drools
 * treat every property as changed: after the fit each rule on {@code Decision()} fired again, and
 * MoE, GGUF, sharded and unknown-architecture answers carried their warnings twice.
 */
class FiresOnceTest {
    private static RuleSet rules;
    /** Each firing of the current decision: the rule and the identities of the facts it matched. */
    private static final List<String> FIRINGS = new ArrayList<>();

    @BeforeAll
    static void build() {
        rules = new RuleSetBuilder(1).build(RuleFolder.read(Path.of("rules"))).ruleSet();
        rules.session().addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void afterMatchFired(AfterMatchFiredEvent event) {
                StringBuilder b = new StringBuilder(event.getMatch().getRule().getName());
                for (Object o : event.getMatch().getObjects()) {
                    b.append(' ').append(o.getClass().getSimpleName()).append('@').append(System.identityHashCode(o));
                }
                FIRINGS.add(b.toString());
            }
        });
    }

    @Test
    void noRuleFiresTwiceAndNoWarningRepeatsForAnyCatalogModel() throws Exception {
        List<String> repeated = new ArrayList<>();
        int answered = 0;
        for (DecideRequest req : requests()) {
            DecideResponse r;
            FIRINGS.clear();
            try {
                r = Decider.decide(rules, req, null, java.util.List.of());
            } catch (DecideException e) {
                continue; // refused requests (a context above the native one) have no answer to check
            }
            answered++;
            String twice = firstRepeat(FIRINGS);
            if (twice != null) {
                repeated.add(req + " fires twice on the same facts: " + twice);
            }
            List<String> warnings = r.warnings().stream().map(w -> w.code() + ": " + w.message()).toList();
            String again = firstRepeat(warnings);
            if (again != null) {
                repeated.add(req + " warns twice: " + again);
            }
        }
        assertTrue(answered > 300, "answered " + answered);
        assertEquals(List.of(), repeated.subList(0, Math.min(10, repeated.size())), repeated.size() + " answers repeat a firing or a warning");
    }

    @Test
    void recoveryRulesFireOnceEachOnTheSameFacts() {
        for (String error : List.of("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
                "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (16384)",
                "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`",
                "something nobody has seen")) {
            for (int attempt = 1; attempt <= 3; attempt++) {
                FIRINGS.clear();
                DecisionEngine.recover(rules, new Incident(error, attempt, "L4", 1, 0.9, 32768, 32768, null, attempt > 2, true));
                assertTrue(!FIRINGS.isEmpty());
                assertEquals(null, firstRepeat(FIRINGS), error + ", attempt " + attempt);
            }
        }
    }

    private static String firstRepeat(List<String> items) {
        Set<String> seen = new HashSet<>();
        for (String s : items) {
            if (!seen.add(s)) {
                return s;
            }
        }
        return null;
    }

    /** Every catalog model, plain and with overrides, and ids no catalog row names. */
    private static List<DecideRequest> requests() throws Exception {
        List<DecideRequest> out = new ArrayList<>();
        for (String id : CatalogIds.of(Path.of("rules"))) {
            out.add(DecideRequest.of(id));
            out.add(new DecideRequest(id, 8192, null, Quantization.FP8, null, null));
            out.add(new DecideRequest(id + "-GGUF:Q4_K_M", null, null, null, null, "L4"));
            out.add(new DecideRequest(id, null, null, null, true, "H100"));
        }
        for (String id : List.of("unknown/Mystery-13B", "unknown/mystery", "x/Qwen3-235B-A22B-GPTQ-Int4")) {
            out.add(DecideRequest.of(id));
        }
        return out;
    }
}
