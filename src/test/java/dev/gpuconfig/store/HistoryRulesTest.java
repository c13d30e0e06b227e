package dev.gpuconfig.store;

import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.Decider;
import dev.gpuconfig.decide.ShippedPolicy;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.policy.Adjustments;
import dev.gpuconfig.policy.ConfigurationHistory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped rules/history.drl on the real engine: what remembered outcomes change in a decision. */
class HistoryRulesTest {
    static final RuleSet RULES = ShippedPolicy.get();
    static final DecideRequest QWEN = DecideRequest.of("Qwen/Qwen2.5-7B-Instruct");

    static ConfigurationHistory failed(String gpu, int count, int times, double utilization) {
        return new ConfigurationHistory(gpu, count, times, 0, List.of("CUDA_OOM"), List.of(), utilization);
    }

    static DecideResponse decide(DecideRequest req, List<ConfigurationHistory> history) {
        return Decider.decide(RULES, req, null, history);
    }

    static boolean warns(DecideResponse d, String code) {
        return d.warnings().stream().anyMatch(w -> w.code().equals(code));
    }

    @Test
    void aConfigurationThatFailedAsOftenAsTheSettingSaysIsLeftForTheNext() {
        DecideResponse plain = decide(QWEN, List.of());
        int n = RULES.settings().historyFailuresToAvoid();
        DecideResponse once = decide(QWEN, List.of(failed(plain.gpu(), plain.gpuCount(), n - 1, plain.memoryUtilization())));
        assertEquals(plain.modalGpu(), once.modalGpu(), "fewer failures than the setting change nothing");
        assertFalse(warns(once, "AVOIDED_AFTER_FAILURES"));

        DecideResponse avoided = decide(QWEN, List.of(failed(plain.gpu(), plain.gpuCount(), n, plain.memoryUtilization())));
        assertNotEquals(plain.modalGpu(), avoided.modalGpu());
        assertEquals(plain.fallbacks().get(0).modalGpu(), avoided.modalGpu(), "the policy's next configuration");
        assertTrue(avoided.fallbacks().stream().noneMatch(f -> f.modalGpu().equals(plain.modalGpu())), "not even as a fallback");
        String warning = avoided.warnings().stream().filter(w -> w.code().equals("AVOIDED_AFTER_FAILURES")).findFirst()
                .orElseThrow().message();
        assertTrue(warning.contains(plain.modalGpu()) && warning.contains(n + " times") && warning.contains("CUDA_OOM")
                && warning.contains(RULES.settings().historyWindowDays() + " days"), warning);
    }

    @Test
    void whenEveryConfigurationFailedTheUtilizationStaysBelowTheLowestThatFailed() {
        DecideRequest pinned = new DecideRequest("Qwen/Qwen2.5-0.5B-Instruct", null, null, null, null, "L4");
        DecideResponse plain = decide(pinned, List.of());
        List<ConfigurationHistory> all = RULES.gpus().pinned("L4").stream()
                .map(c -> failed("L4", c.count(), 3, 0.9)).toList();
        DecideResponse d = decide(pinned, all);
        assertTrue(warns(d, "REPEATED_FAILURES"), d.warnings().toString());
        assertEquals(plain.modalGpu(), d.modalGpu(), "nothing else to move to");
        assertTrue(d.memoryUtilization() <= 0.85 + 1e-9, "at most 0.9 - 0.05: " + d.memoryUtilization());
    }

    @Test
    void aSmallerKvCacheThanEstimatedRaisesTheOverheadByTheGap() {
        DecideResponse plain = decide(QWEN, List.of());
        long reported = plain.memory().maxTokensInKvCache() / 2;
        ConfigurationHistory started = new ConfigurationHistory(plain.gpu(), plain.gpuCount(), 0, 1, List.of(),
                List.of(new ConfigurationHistory.KvReport(reported, plain.memoryUtilization(),
                        "fp8".equals(plain.engineArgs().get("kv_cache_dtype")))), null);
        DecideResponse d = decide(QWEN, List.of(started));
        assertTrue(warns(d, "KV_CACHE_REPORTED"), d.warnings().toString());
        double gapGiB = (plain.memory().maxTokensInKvCache() - reported) * plain.memory().kvBytesPerTokenPerGpu() / (1L << 30);
        assertEquals(plain.memory().overheadGiB() + gapGiB, d.memory().overheadGiB(), 0.02, "the overhead grows by the gap");

        // the corrected estimate of that configuration at the reported utilization is what vLLM reported
        Adjustments same = new Adjustments();
        same.setCandidates(List.of(new Candidate(RULES.gpus().find(plain.gpu()).orElseThrow(), plain.gpuCount())));
        same.setUtilization(plain.memoryUtilization());
        same.setUtilizationCap(plain.memoryUtilization());
        DecideRequest small = new DecideRequest(QWEN.model(), 4096, null, null, null, null);
        DecideResponse there = Decider.decide(RULES, small, same, List.of(started));
        assertEquals(reported, there.memory().maxTokensInKvCache(), 2.0);

        ConfigurationHistory larger = new ConfigurationHistory(plain.gpu(), plain.gpuCount(), 0, 1, List.of(),
                List.of(new ConfigurationHistory.KvReport(plain.memory().maxTokensInKvCache() * 2, plain.memoryUtilization(), null)), null);
        assertFalse(warns(decide(QWEN, List.of(larger)), "KV_CACHE_REPORTED"), "a larger KV cache than estimated changes nothing");

        // a small report at a low utilization (no gap there) does not hide a gap reported at a high one
        ConfigurationHistory both = new ConfigurationHistory(plain.gpu(), plain.gpuCount(), 0, 2, List.of(), List.of(
                new ConfigurationHistory.KvReport(1000, 0.3, null),
                new ConfigurationHistory.KvReport(reported, plain.memoryUtilization(),
                        "fp8".equals(plain.engineArgs().get("kv_cache_dtype")))), null);
        assertEquals(d.memory().overheadGiB(), decide(QWEN, List.of(both)).memory().overheadGiB(), 1e-6);
    }

    @Test
    void withinARecoveryStepTheLadderChoosesNotTheAvoidance() {
        DecideResponse plain = decide(QWEN, List.of());
        Adjustments sameGpu = new Adjustments();
        sameGpu.setCandidates(List.of(new Candidate(RULES.gpus().find(plain.gpu()).orElseThrow(), plain.gpuCount())));
        DecideResponse d = Decider.decide(RULES, QWEN, sameGpu, List.of(failed(plain.gpu(), plain.gpuCount(), 5, 0.9)));
        assertEquals(plain.modalGpu(), d.modalGpu());
        assertFalse(warns(d, "AVOIDED_AFTER_FAILURES") || warns(d, "REPEATED_FAILURES"));
    }

    @Test
    void withoutTheStoreTheDecisionSaysSo() {
        DecideResponse d = Decider.decide(RULES, QWEN, null, null);
        assertTrue(warns(d, "HISTORY_UNAVAILABLE"));
        assertEquals(decide(QWEN, List.of()).modalGpu(), d.modalGpu());
    }
}
