package dev.gpuconfig.decide;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of decisions: by GPU, latency by how the answer was found, firings by rule,
 * policy errors by rule, and the answers the active rule set remembers. Counters are looked up
 * once per name and kept, and firings are tallied per list of fired rules ({@link RuleFirings}),
 * so a decision costs three increments.
 */
@ApplicationScoped
public class DecisionMetrics {
    private final MeterRegistry registry;
    private final Timer remembered;
    private final Timer evaluated;
    private final Map<String, Counter> byGpu = new ConcurrentHashMap<>();
    private final RuleFirings firings;
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.firings = new RuleFirings(registry);
        // count, sum and max only: client-side percentiles would cost more than a memoized decision.
        // Tagged by how the answer was found: a remembered one takes under a microsecond, one the
        // rules evaluate about 100 us, and their share is what an operator's latency depends on.
        this.remembered = latency("remembered");
        this.evaluated = latency("evaluated");
    }

    private Timer latency(String answer) {
        return Timer.builder("gpu.decision.latency").tag("answer", answer)
                .description("time to decide one request: answer=remembered from the rule set's memo, evaluated by the rules")
                .register(registry);
    }

    /** Publishes how many answers the active rule set remembers (its answer cache, the service's largest use of memory). */
    void rememberedAnswers(java.util.function.Supplier<Number> count) {
        Gauge.builder("gpu.decision.remembered.answers", count)
                .description("answers the active rule set remembers; a new activation starts with none").register(registry);
    }

    /**
     * One answered decision: the configuration it chose ({@code modalGpu}, as "H100:2"), the rules
     * it fired, and whether the rules evaluated it ({@code evaluatedNow}) or it was remembered.
     */
    void decided(String modalGpu, java.util.List<String> firedRules, long nanos, boolean evaluatedNow) {
        (evaluatedNow ? evaluated : remembered).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
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
