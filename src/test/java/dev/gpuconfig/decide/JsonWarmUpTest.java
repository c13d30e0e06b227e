package dev.gpuconfig.decide;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JSON warm-up at server start is not a decision: operators' counts and latencies stay as they were. */
@QuarkusTest
class JsonWarmUpTest {
    @Inject
    DecisionService service;
    @Inject
    MeterRegistry registry;

    @Test
    void theWarmUpIsNotCountedAsADecision() {
        double decisions = decisions();
        long timed = timed();
        service.warmUpJsonOnceActive().toCompletableFuture().join();
        service.warmUpJsonOnceActive().toCompletableFuture().join();
        assertEquals(decisions, decisions(), "gpu_decisions_total moved");
        assertEquals(timed, timed(), "gpu_decision_latency counted the warm-up");
    }

    private double decisions() {
        return registry.find("gpu.decisions").counters().stream().mapToDouble(Counter::count).sum();
    }

    private long timed() {
        return registry.find("gpu.decision.latency").timers().stream().mapToLong(Timer::count).sum();
    }
}
