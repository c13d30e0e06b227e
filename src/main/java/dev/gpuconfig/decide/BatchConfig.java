package dev.gpuconfig.decide;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Typed configuration under {@code gpu.batch.*} (environment: GPU_BATCH_ITEMS_IN_FLIGHT, GPU_BATCH_ITEMS_WAITING, GPU_BATCH_WAIT_MS, GPU_BATCH_HOLD_MS). */
@ConfigMapping(prefix = "gpu.batch")
public interface BatchConfig {
    /**
     * How many batch items are answered at once, over all batches: a batch of 1,000 holds about
     * 7 MB until its array is written. 2,000 fit the default 128 MB heap beside the rules and the
     * memo; raise it with the heap.
     */
    @WithName("items-in-flight")
    @WithDefault("2000")
    int itemsInFlight();

    /**
     * How many batch items may wait for room, over all waiting batches; a batch that would go past
     * it is answered 503 at once. Waiting batches hold their parsed requests and a worker thread;
     * 64 clients sending 1,000-item batches, each resending when its wait timed out, ran the heap
     * out while they waited.
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
