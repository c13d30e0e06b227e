package dev.gpuconfig.batch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Typed configuration under {@code gpu.batch.*} (environment: GPU_BATCH_ITEMS_IN_FLIGHT, GPU_BATCH_ITEMS_WAITING, GPU_BATCH_WAIT_MS, GPU_BATCH_HOLD_MS). */
@ConfigMapping(prefix = "gpu.batch")
public interface BatchConfig {
    /**
     * How many batch items are answered at once, over all batches, until each answer has left: a
     * batch of 1,000 holds its parsed requests (about 0.4 MB) and then its answer (about 5.5 MB now that each fallback carries its own arguments). The default
     * fits the default 128 MB heap and keeps the service under 256 MB resident; a lower bound
     * answers fewer batches without saving memory. Raise it with the heap.
     */
    @WithName("items-in-flight")
    @WithDefault("2000")
    int itemsInFlight();

    /**
     * How many batch items may wait for room, over all waiting batches; a batch that would go past
     * it is answered 503 at once, and while the queue is full, before its body is read. A waiting
     * batch holds no thread, only its body's bytes (about 70 KB for 1,000 items).
     */
    @WithName("items-waiting")
    @WithDefault("8000")
    int itemsWaiting();

    /** How long a batch waits for its items to fit before it is answered 503 with Retry-After. */
    @WithName("wait-ms")
    @WithDefault("10000")
    long waitMs();

    /** The longest a batch keeps its room: a client slower than this no longer counts against the others. */
    @WithName("hold-ms")
    @WithDefault("30000")
    long holdMs();
}
