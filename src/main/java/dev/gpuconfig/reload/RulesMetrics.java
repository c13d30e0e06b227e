package dev.gpuconfig.reload;


import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus metrics of rule loading: reloads by outcome, build time, last good activation, and
 * activations.
 */
@ApplicationScoped
public class RulesMetrics {
    private final MeterRegistry registry;
    private final Timer build;
    private final AtomicLong lastActivation = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger stuckBuilds = new java.util.concurrent.atomic.AtomicInteger();

    public RulesMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.build = Timer.builder("gpu.rules.build.duration").description("time to read, compile and test a rules folder")
                .register(registry);
        Gauge.builder("gpu.rules.last.activation.seconds", lastActivation, AtomicLong::get)
                .description("when the active rule set was activated (unix seconds)").register(registry);
        Gauge.builder("gpu.rules.stuck.builds", stuckBuilds, java.util.concurrent.atomic.AtomicInteger::get)
                .description("build threads still running a rule past the build deadline (each holds a core until a restart)")
                .register(registry);
    }

    /** The count of build threads stuck in a rule that could not be stopped. */
    java.util.concurrent.atomic.AtomicInteger stuckBuilds() {
        return stuckBuilds;
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

    /** A rule set swapped in. */
    void activated() {
        Counter.builder("gpu.rules.activations")
                .description("activated rule sets")
                .register(registry).increment();
    }
}
