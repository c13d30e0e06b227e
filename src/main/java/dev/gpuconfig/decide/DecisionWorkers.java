package dev.gpuconfig.decide;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads that evaluate the decisions the memo does not hold, one per CPU. An answer from the
 * memo takes well under a microsecond and stays on the HTTP I/O thread; an evaluation takes about
 * 100 us of Drools, and on the service's one event loop a stream of new requests held every
 * remembered answer behind it (p50 10 ms, p99 60 ms for both) and left the second CPU idle
 * (docs/performance.md, round 8).
 */
@ApplicationScoped
public class DecisionWorkers {
    private final ExecutorService pool;
    private final int threads;

    public DecisionWorkers() {
        this(Runtime.getRuntime().availableProcessors());
    }

    DecisionWorkers(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.threads = Math.max(1, threads);
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "gpu-decide-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * {@code work} run on a decision thread. The stage fails with the exception {@code work} threw,
     * not wrapped, so the REST layer maps it as if it had been thrown on the I/O thread. Once the
     * service is stopping, the work runs on the caller's thread.
     */
    public <T> CompletionStage<T> submit(Supplier<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                done.complete(work.get());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        };
        try {
            pool.execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run();
        }
        return done;
    }

    /** How many decisions can be evaluated at once. */
    int threads() {
        return threads;
    }

    @PreDestroy
    void stop() {
        pool.shutdown();
    }
}
