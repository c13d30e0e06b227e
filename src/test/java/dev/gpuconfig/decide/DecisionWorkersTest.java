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
    void onceStoppedTheCallerRunsTheWork() {
        workers.stop();
        String thread = workers.submit(() -> Thread.currentThread().getName()).toCompletableFuture().join();
        assertEquals(Thread.currentThread().getName(), thread);
    }
}
