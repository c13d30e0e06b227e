package dev.gpuconfig.store;

import dev.gpuconfig.policy.ConfigurationHistory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history the rules see, over a real PostgreSQL that writes elsewhere, stops and comes back. */
class HistoryCacheTest {

    @Test
    void followsOtherWritersAndADatabaseThatStopsAndComesBack() throws Exception {
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            StoreConfig config = pg.config(); // looks every 200 ms
            OutcomeStore mine = TestStores.open(config);
            OutcomeStore other = TestStores.open(config); // another replica
            HistoryCache history = new HistoryCache(mine, config, new StoreMetrics(new SimpleMeterRegistry()));
            history.onStartEarly(null);
            history.onStart(null);
            try {
                assertEquals(List.of(), history.forModel("Org/M", 7));
                long g0 = history.generation();
                other.record(StoreOnBothDatabasesTest.failure("Org/M", "L4", 1, "CUDA_OOM", null));
                List<ConfigurationHistory> seen = await(() -> {
                    List<ConfigurationHistory> h = history.forModel("Org/M", 7);
                    return h != null && !h.isEmpty() ? h : null;
                });
                assertEquals(1, seen.get(0).getFailures(), "another replica's write is seen");
                assertTrue(history.generation() > g0);

                pg.stop();
                long t0 = System.nanoTime();
                await(() -> history.forModel("Org/Other", 7) == null ? Boolean.TRUE : null);
                assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "a stopped database is noticed in seconds");
                t0 = System.nanoTime();
                assertNull(history.forModel("Org/Third", 7));
                assertTrue(System.nanoTime() - t0 < 100_000_000L, "and not asked again until a look succeeds");

                pg.restart();
                List<ConfigurationHistory> back = await(() -> history.forModel("Org/M", 7));
                assertNotNull(back);
                assertEquals(1, back.get(0).getFailures(), "what was stored before is there again");
            } finally {
                history.onStop(null);
                mine.close(null);
                other.close(null);
            }
        }
    }

    private static <T> T await(java.util.concurrent.Callable<T> value) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            T v = value.call();
            if (v != null) {
                return v;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within 20 s");
    }
}
