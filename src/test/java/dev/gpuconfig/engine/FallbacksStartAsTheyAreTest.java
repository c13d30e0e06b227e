package dev.gpuconfig.engine;

import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.Decider;
import dev.gpuconfig.decide.FitInvariants;
import dev.gpuconfig.decide.ShippedPolicy;
import dev.gpuconfig.policy.Adjustments;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over the whole catalog: every fallback of every decision is a whole configuration. Its engine
 * arguments and environment are exactly what the policy answers when the same request is decided
 * on that configuration alone, and that answer keeps every invariant of a fit.
 */
class FallbacksStartAsTheyAreTest {

    @Test
    void everyFallbackOfEveryCatalogModelStartsAsItIs() throws Exception {
        RuleSet rs = ShippedPolicy.get();
        int checked = 0;
        for (String id : CatalogIds.of(Path.of("rules"))) {
            DecideResponse a;
            try {
                a = Decider.decide(rs, DecideRequest.of(id));
            } catch (DecideException e) {
                continue; // nothing of the policy holds it: no fallbacks to check
            }
            for (DecideResponse.Fallback fb : a.fallbacks()) {
                GpuSpec gpu = rs.gpus().find(fb.gpu()).orElseThrow();
                Adjustments only = new Adjustments();
                only.setCandidates(List.of(new Candidate(gpu, fb.gpuCount())));
                DecideResponse alone = Decider.decide(rs, DecideRequest.of(id), only, java.util.List.of());
                String what = id + " fallback " + fb.gpuCount() + " x " + fb.gpu();
                assertEquals(fb.gpu(), alone.gpu(), what);
                assertEquals(fb.gpuCount(), alone.gpuCount(), what);
                FitInvariants.check(alone, rs.gpus(), rs.settings());
                assertEquals(alone.engineArgs(), fb.engineArgs(), what + ": its arguments are the ones it starts with");
                assertEquals(alone.env(), fb.env(), what);
                assertEquals(fb.gpuCount(), fb.engineArgs().get("tensor_parallel_size"), what);
                assertEquals(fb.memoryUtilization(), (double) fb.engineArgs().get("gpu_memory_utilization"), 1e-9, what);
                checked++;
            }
        }
        assertTrue(checked > 200, "fallbacks checked: " + checked);
    }
}
