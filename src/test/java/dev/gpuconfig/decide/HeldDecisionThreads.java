package dev.gpuconfig.decide;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeps every decision thread busy, so tests can see what waits for them and what does not. */
public final class HeldDecisionThreads {
    private HeldDecisionThreads() {
    }

    /** Holds the threads until the latch returned is counted down (20 s at most). */
    public static CountDownLatch hold(DecisionWorkers workers) throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(workers.threads());
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < workers.threads(); i++) {
            workers.submit(() -> {
                busy.countDown();
                try {
                    return release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        }
        assertTrue(busy.await(10, TimeUnit.SECONDS), "the decision threads did not all start");
        return release;
    }
}
