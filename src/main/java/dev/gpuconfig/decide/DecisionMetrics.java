package dev.gpuconfig.decide;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of decisions: by GPU, latency, firings by rule, policy errors by rule.
 * Counters are looked up once per name and kept, and firings are tallied per list of fired rules
 * ({@link RuleFirings}), so a decision costs three increments.
 */
@ApplicationScoped
public class DecisionMetrics {
    private final MeterRegistry registry;
    private final Timer latency;
    private final Map<String, Counter> byGpu = new ConcurrentHashMap<>();
    private final RuleFirings firings;
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.firings = new RuleFirings(registry);
        // count, sum and max only: client-side percentiles would cost more than a memoized decision
        this.latency = Timer.builder("gpu.decision.latency").description("time to decide one request").register(registry);
    }

    /** One answered decision: the configuration it chose ({@code modalGpu}, as "H100:2") and the rules it fired. */
    void decided(String modalGpu, java.util.List<String> firedRules, long nanos) {
        latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        counter(byGpu, "gpu.decisions", "gpu", modalGpu, "decisions by chosen configuration").increment();
        firings.add(firedRules);
    }

    void policyError(String rule) {
        counter(errors, "gpu.policy.errors", "rule", rule, "decisions the policy failed (a rule threw or looped)").increment();
    }

    // A plain get first: computeIfAbsent with a capturing lambda allocated on every request (JFR).
    private Counter counter(Map<String, Counter> known, String name, String tag, String value, String description) {
        Counter c = known.get(value);
        return c != null ? c : known.computeIfAbsent(value,
                v -> Counter.builder(name).tag(tag, v).description(description).register(registry));
    }
}
