package dev.gpuconfig.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Prometheus metrics of the outcome store: failures reported to this replica by model, GPU and
 * error class (Prometheus sums the replicas), starts reported, errors reaching the store, and
 * whether it is open. Model names come from clients, so at most {@link #MODELS} distinct ones get
 * their own series; the rest are counted as "other".
 */
@ApplicationScoped
public class StoreMetrics {
    static final int MODELS = 200;

    private final MeterRegistry registry;
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Map<String, Boolean> models = new ConcurrentHashMap<>();
    private final Counter started;
    private final Counter errors;

    public StoreMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.started = Counter.builder("gpu.outcomes.started").description("starts reported through POST /v1/outcomes")
                .register(registry);
        this.errors = Counter.builder("gpu.store.errors").description("reads and writes of the outcome store that failed")
                .register(registry);
    }

    void available(Supplier<Number> open) {
        Gauge.builder("gpu.store.available", open).description("1 when the outcome store is open, else 0").register(registry);
    }

    /** One stored failure. */
    public void failed(String model, String gpu, String errorClass) {
        String m = models.size() < MODELS || models.containsKey(model) ? model : "other";
        models.putIfAbsent(m, Boolean.TRUE);
        String key = m + '\n' + gpu + '\n' + errorClass;
        failures.computeIfAbsent(key, k -> Counter.builder("gpu.failures")
                .tags(Tags.of("model", m, "gpu", gpu, "error_class", errorClass))
                .description("failures reported through POST /v1/oom, by model, configuration and error class")
                .register(registry)).increment();
    }

    public void started() {
        started.increment();
    }

    public void error() {
        errors.increment();
    }
}
