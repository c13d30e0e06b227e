package dev.gpuconfig.decide;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of decisions: by GPU, latency, firings by rule, policy errors by rule.
 * Counters are looked up once per name and kept, so a decision costs a few increments.
 */
@ApplicationScoped
public class DecisionMetrics {
    private final MeterRegistry registry;
    private final Timer latency;
    private final Map<String, Counter> byGpu = new ConcurrentHashMap<>();
    private final Map<String, Counter> byRule = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
        // count, sum and max only: client-side percentiles would cost more than a memoized decision
        this.latency = Timer.builder("gpu.decision.latency").description("time to decide one request").register(registry);
    }

    void decided(DecideResponse a, long nanos) {
        latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        byGpu.computeIfAbsent(a.modalGpu(), g -> Counter.builder("gpu.decisions").tag("gpu", g)
                .description("decisions by chosen configuration").register(registry)).increment();
        List<String> fired = a.firedRules();
        for (String rule : fired) {
            byRule.computeIfAbsent(rule, r -> Counter.builder("gpu.rule.firings").tag("rule", r)
                    .description("rule firings by rule").register(registry)).increment();
        }
    }

    void policyError(String rule) {
        errors.computeIfAbsent(rule, r -> Counter.builder("gpu.policy.errors").tag("rule", r)
                .description("decisions the policy failed (a rule threw or looped)").register(registry)).increment();
    }
}
