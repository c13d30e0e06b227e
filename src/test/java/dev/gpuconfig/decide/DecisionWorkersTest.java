package dev.gpuconfig.decide;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision threads: where evaluations run, and how their failures reach the REST layer. */
class DecisionWorkersTest {
    private final DecisionWorkers workers = new DecisionWorkers(2);

    @AfterEach
    void stop() {
        workers.stop();
    }

    @Test
    void workRunsOnADecisionThread() {
        String thread = workers.submit(() -> Thread.currentThread().getName()).toCompletableFuture().join();
        assertTrue(thread.startsWith("gpu-decide-"), thread);
    }

    @Test
    void aFailureIsTheExceptionTheWorkThrewNotAWrapper() {
        DecideException thrown = DecideException.invalid("gpu 'X9' is not one of the catalog's");
        Throwable failure = workers.<String>submit(() -> {
            throw thrown;
        }).handle((value, t) -> t).toCompletableFuture().join();
        // the problem mappers match the exception's type: a CompletionException would be a 500
        assertSame(thrown, failure);
    }

    @Test
    void pastTheQueueWorkIsRefusedAsBusyAtOnce() throws Exception {
        java.util.concurrent.CountDownLatch release = HeldDecisionThreads.hold(workers);
        try {
            for (int i = 0; i < DecisionWorkers.QUEUE; i++) {
                workers.submit(() -> "waits");
            }
            Throwable refused = workers.submit(() -> "one too many").handle((v, t) -> t).toCompletableFuture()
                    .get(1, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(DecideException.Kind.BUSY, ((DecideException) refused).kind());
        } finally {
            release.countDown();
        }
    }

    @Test
    void workPastItsBudgetIsAnsweredWhetherItWaitsOrRuns() throws Exception {
        java.util.concurrent.CountDownLatch release = HeldDecisionThreads.hold(workers);
        try {
            long start = System.nanoTime();
            Throwable waited = workers.submit(() -> "waits").handle((v, t) -> t).toCompletableFuture()
                    .get(DecisionWorkers.BUDGET_MS + 2000, java.util.concurrent.TimeUnit.MILLISECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(DecideException.Kind.BUSY, ((DecideException) waited).kind());
            assertTrue(ms >= DecisionWorkers.BUDGET_MS && ms < DecisionWorkers.BUDGET_MS + 2000, ms + " ms");
        } finally {
            release.countDown();
        }
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        Throwable ran = workers.submit(() -> {
            try {
                return stuck.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return false;
            }
        }).handle((v, t) -> t).toCompletableFuture().get(DecisionWorkers.BUDGET_MS + 2000, java.util.concurrent.TimeUnit.MILLISECONDS);
        stuck.countDown();
        assertEquals(DecideException.Kind.POLICY_FAILED, ((DecideException) ran).kind());
    }

    @Test
    void onceStoppedTheCallerRunsTheWork() {
        workers.stop();
        String thread = workers.submit(() -> Thread.currentThread().getName()).toCompletableFuture().join();
        assertEquals(Thread.currentThread().getName(), thread);
    }
}
