package dev.gpuconfig.batch;

import dev.gpuconfig.decide.DecideException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the batch items answered at once, from their evaluation until the array has left the
 * process, and the items waiting for that. A batch holds every answer's JSON until then: about
 * 3 MB for 1,000 items. Unbounded, enough clients sending such batches at once run the 128 MB
 * heap out, and the service answers 500 (OutOfMemoryError) to most of them.
 *
 * <p>A batch waits, in arrival order, until its items fit among those in flight; past the wait
 * it is answered 503 with Retry-After. When the items already waiting fill the queue, it is
 * answered 503 at once. Waiting holds no thread: a waiting batch is a future and its body's
 * bytes. The two CPUs are busy long before either bound is reached, so they cost no throughput.
 */
@ApplicationScoped
@Startup // its gauges are on /q/metrics from the start, at zero, not from the first batch on
public class BatchAdmission {
    private final int limit;
    private final int queueLimit;
    private final long waitMs;
    private final long holdMs;
    // under this object's lock: the items free among those in flight, the batches waiting, their items
    private int free;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int queuedItems;
    // ends the waits, and the holds of answers a client reads too slowly
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "gpu-batch-rooms");
        t.setDaemon(true);
        return t;
    });

    {
        timer.setRemoveOnCancelPolicy(true); // thousands of holds a second end long before their expiry
    }

    private Runnable refused = () -> { };

    /** With the gauges and the counter operators watch: items in flight, batches waiting, batches refused. */
    @Inject
    public BatchAdmission(BatchConfig config, MeterRegistry registry) {
        this(config.itemsInFlight(), config.itemsWaiting(), config.waitMs(), config.holdMs());
        Gauge.builder("gpu.batch.items.in.flight", this, a -> a.limit - a.available())
                .description("batch items being answered or written").register(registry);
        Gauge.builder("gpu.batch.waiting", this, BatchAdmission::waiting)
                .description("batches waiting for room among the items in flight").register(registry);
        Counter refusals = Counter.builder("gpu.batch.refused")
                .description("batches answered 503: the queue was full, or no room among the items in flight within the wait")
                .register(registry);
        this.refused = refusals::increment;
    }

    public BatchAdmission(int itemsInFlight, int itemsWaiting, long waitMs, long holdMs) {
        if (itemsInFlight < 1) {
            throw new IllegalArgumentException("gpu.batch.items-in-flight must be at least 1, not " + itemsInFlight);
        }
        if (itemsWaiting < 0) {
            throw new IllegalArgumentException("gpu.batch.items-waiting must not be negative, not " + itemsWaiting);
        }
        if (waitMs < 0) {
            throw new IllegalArgumentException("gpu.batch.wait-ms must not be negative, not " + waitMs);
        }
        if (holdMs < 1) {
            throw new IllegalArgumentException("gpu.batch.hold-ms must be at least 1, not " + holdMs);
        }
        this.limit = itemsInFlight;
        this.queueLimit = itemsWaiting;
        this.waitMs = waitMs;
        this.holdMs = holdMs;
        this.free = itemsInFlight;
    }

    /**
     * Room for {@code items} among the items in flight, given in arrival order. Closing the room
     * gives it back (once, however often it is closed), and so does the end of the longest hold.
     * The future fails with a 503 {@link DecideException} when the queue was full, or when there
     * was no room within the wait.
     */
    public CompletableFuture<Room> enter(int items) {
        // a batch larger than the bound runs alone rather than never
        int n = Math.max(1, Math.min(items, limit));
        Waiter w;
        synchronized (this) {
            if (queue.isEmpty() && free >= n) {
                free -= n;
                return CompletableFuture.completedFuture(new Room(n));
            }
            if (queuedItems + n > queueLimit) {
                return CompletableFuture.failedFuture(queueFull());
            }
            w = new Waiter(n);
            queue.add(w);
            queuedItems += n;
        }
        w.timeout = timer.schedule(() -> giveUp(w, items), waitMs, TimeUnit.MILLISECONDS);
        return w.admitted;
    }

    /**
     * Refuses a batch of any size when none could be let in: batches wait, and the queue is full.
     * The answer {@link #enter} would give, before the body is read: clients resending refused
     * batches at once would otherwise have the service read every body only to refuse it, and what
     * those bodies leave on the heap forces full collections.
     * @throws DecideException 503, as {@link #enter} would
     */
    public void refuseWhenFull() {
        synchronized (this) {
            if (queue.isEmpty() || queuedItems < queueLimit) {
                return;
            }
        }
        throw queueFull();
    }

    private DecideException queueFull() {
        return refusal("Too many batches waiting", "the service is answering " + limit + " batch items at once and "
                + queueLimit + " more wait for their turn; retry later");
    }

    private void giveUp(Waiter w, int items) {
        synchronized (this) {
            if (!queue.remove(w)) {
                return; // admitted meanwhile
            }
            queuedItems -= w.items;
        }
        w.admitted.completeExceptionally(refusal("Too many batch items in flight", "the service is answering " + limit
                + " batch items at once and this batch of " + items + " waited " + waitMs + " ms for room; retry later"));
        admitWhatFits(); // a large batch that gave up may have held back smaller ones behind it
    }

    private void release(int items) {
        synchronized (this) {
            free += items;
        }
        admitWhatFits();
    }

    /** Admits the waiting batches from the head of the queue while they fit; never one past another. */
    private void admitWhatFits() {
        List<Waiter> admitted = new ArrayList<>();
        synchronized (this) {
            while (!queue.isEmpty() && queue.peek().items <= free) {
                Waiter w = queue.poll();
                free -= w.items;
                queuedItems -= w.items;
                admitted.add(w);
            }
        }
        for (Waiter w : admitted) { // outside the lock: completing runs the batch's next steps
            if (w.timeout != null) {
                w.timeout.cancel(false);
            }
            w.admitted.complete(new Room(w.items));
        }
    }

    private DecideException refusal(String title, String detail) {
        refused.run();
        return DecideException.busy(title, detail);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** A batch waiting for room. */
    private static final class Waiter {
        final int items;
        final CompletableFuture<Room> admitted = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;

        Waiter(int items) {
            this.items = items;
        }
    }

    /** Room held by one batch until its answer has left. */
    public final class Room implements AutoCloseable {
        private final int items;
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final ScheduledFuture<?> expires;

        private Room(int items) {
            this.items = items;
            this.expires = timer.schedule(this::close, holdMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                expires.cancel(false);
                release(items);
            }
        }
    }

    /** Items that could be admitted right now. */
    synchronized int available() {
        return free;
    }

    /** Batches waiting for room. */
    synchronized int waiting() {
        return queue.size();
    }

    /** Items waiting for room. */
    synchronized int itemsWaiting() {
        return queuedItems;
    }
}
