package dev.gpuconfig.decide;

import dev.gpuconfig.engine.DecisionEngine;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads that evaluate the decisions the answer cache does not hold, one per CPU. A cached
 * answer takes well under a microsecond and stays on the HTTP I/O thread; an evaluation takes
 * about 100 us of Drools, so on the event loop a stream of new requests would hold every cached
 * answer behind it and leave the other CPUs idle.
 * <p>
 * Nothing waits without bound: at most {@link #QUEUE} pieces of work wait for a thread (beyond,
 * the request is refused as busy, 503 with Retry-After), and a piece of work has
 * {@link #BUDGET_MS} from the moment it is handed over: past it, a watchdog answers the client
 * (busy when it never got a thread, a policy error naming the rule when a rule keeps running) and
 * logs the thread and its rule. A thread stuck in a rule stays stuck: the policy tests of an
 * activation run the rules under a deadline first, so such a rule rarely reaches a request.
 */
@ApplicationScoped
public class DecisionWorkers {
    private static final Logger LOG = Logger.getLogger(DecisionWorkers.class);
    /** Work that may wait for a thread: two 1,000-item batches' worth, and the single decisions beside them. */
    static final int QUEUE = 4096;
    /** The most a piece of work may take, waiting included; an evaluation takes well under a millisecond. */
    static final long BUDGET_MS = 5_000;
    private final ThreadPoolExecutor pool;
    private final int threads;
    private final Set<Task<?>> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gpu-decide-watchdog");
        t.setDaemon(true);
        return t;
    });

    public DecisionWorkers() {
        this(Runtime.getRuntime().availableProcessors());
    }

    DecisionWorkers(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.threads = Math.max(1, threads);
        this.pool = new ThreadPoolExecutor(this.threads, this.threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "gpu-decide-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::watch, 500, 500, TimeUnit.MILLISECONDS);
    }

    /**
     * {@code work} run on a decision thread. The stage fails with the exception {@code work} threw,
     * not wrapped, so the REST layer maps it as if it had been thrown on the I/O thread. Once the
     * service is stopping, the work runs on the caller's thread.
     */
    public <T> CompletionStage<T> submit(Supplier<T> work) {
        Task<T> task = new Task<>(work);
        try {
            pool.execute(task);
        } catch (RejectedExecutionException full) {
            if (pool.isShutdown()) {
                task.run();
            } else {
                task.done.completeExceptionally(DecideException.busy("Too many decisions waiting",
                        QUEUE + " decisions wait for a decision thread; ask again in a moment"));
            }
        }
        return task.done;
    }

    /** A piece of work, when it was handed over, and the thread running it, if any. */
    private final class Task<T> implements Runnable {
        final CompletableFuture<T> done = new CompletableFuture<>();
        final Supplier<T> work;
        final long handedOver = System.nanoTime();
        volatile Thread runner;

        Task(Supplier<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            if (done.isDone()) {
                return; // its budget ran out while it waited
            }
            runner = Thread.currentThread();
            running.add(this);
            try {
                done.complete(work.get());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            } finally {
                running.remove(this);
                runner = null;
            }
        }

        boolean overBudget(long now) {
            return !done.isDone() && now - handedOver > TimeUnit.MILLISECONDS.toNanos(BUDGET_MS);
        }
    }

    /** Answers the work past its budget: busy when it still waits, a policy error naming the rule when it runs. */
    private void watch() {
        long now = System.nanoTime();
        for (Runnable r : pool.getQueue()) {
            if (r instanceof Task<?> t && t.overBudget(now)) {
                t.done.completeExceptionally(DecideException.busy("Decision threads busy",
                        "the decision waited " + BUDGET_MS + " ms for a decision thread; ask again in a moment"));
            }
        }
        for (Task<?> t : running) {
            Thread runner = t.runner;
            if (runner != null && t.overBudget(now)) {
                String rule = DecisionEngine.firing(runner);
                LOG.errorf("decision thread %s has run for more than %d ms%s; it stays busy until that returns",
                        runner.getName(), BUDGET_MS, rule == null ? "" : " in rule '" + rule + "'");
                t.done.completeExceptionally(new PolicyException(rule == null ? "?" : rule, "the decision took more than "
                        + BUDGET_MS + " ms" + (rule == null ? "" : "; rule '" + rule + "' was still running")));
            }
        }
    }

    /** How many decisions can be evaluated at once. */
    int threads() {
        return threads;
    }

    @PreDestroy
    void stop() {
        watchdog.shutdownNow();
        pool.shutdown();
    }
}
