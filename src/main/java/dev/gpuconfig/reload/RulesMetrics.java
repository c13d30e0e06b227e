package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleSet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus metrics of rule loading: reloads by outcome, build time, last good activation, and
 * activations by whether their rules were compiled or read compiled.
 */
@ApplicationScoped
public class RulesMetrics {
    private final MeterRegistry registry;
    private final Timer build;
    private final AtomicLong lastActivation = new AtomicLong();

    public RulesMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.build = Timer.builder("gpu.rules.build.duration").description("time to read, compile and test a rules folder")
                .register(registry);
        Gauge.builder("gpu.rules.last.activation.seconds", lastActivation, AtomicLong::get)
                .description("when the active rule set was activated (unix seconds)").register(registry);
    }

    void attempt(LoadAttempt a) {
        Counter.builder("gpu.rules.reloads").tag("outcome", a.result()).description("rule folder loads by outcome")
                .register(registry).increment();
        if (!LoadAttempt.UNCHANGED.equals(a.result())) {
            build.record(Duration.ofMillis(a.durationMs()));
        }
        if (LoadAttempt.ACTIVATED.equals(a.result())) {
            lastActivation.set(a.at().getEpochSecond());
        }
    }

    /** An activation, by where its rules came from: whether restarts find their rules compiled. */
    void activated(RuleSet rs) {
        Counter.builder("gpu.rules.activations").tag("rules", rs.fromCache() ? "read_compiled" : "compiled")
                .description("activated rule sets: compiled from the folder, or read from the compiled-rules cache")
                .register(registry).increment();
    }
}
