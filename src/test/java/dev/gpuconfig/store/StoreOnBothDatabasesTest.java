package dev.gpuconfig.store;

import dev.gpuconfig.policy.ConfigurationHistory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's schema (Flyway migrations) and every query, on the embedded H2 database and on a
 * real PostgreSQL server started for this class; and the history facts the rules get from them.
 */
class StoreOnBothDatabasesTest {
    static ThrowawayPostgres pg;
    static Path h2;

    @BeforeAll
    static void start() throws Exception {
        pg = ThrowawayPostgres.start();
        h2 = Files.createTempDirectory("gpu-store-h2");
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
        FreshStore.delete(h2);
    }

    static OutcomeStore store(String db) throws Exception {
        if (db.equals("postgresql")) {
            OutcomeStore s = TestStores.open(pg.config());
            pg.truncate();
            return s;
        }
        Path dir = Files.createTempDirectory(h2, "run");
        return TestStores.open(TestStores.config(dir, null, null, null));
    }

    static Outcome failure(String model, String gpu, int count, String errorClass, Long kv) {
        return new Outcome(null, null, model, Outcome.FAILURE, gpu, count, 0.9, 8192, false, errorClass, kv, null,
                "sha256:x", "{\"model\":\"" + model + "\"}", "CUDA out of memory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void writesAreReadBackAndRaiseTheVersion(String db) throws Exception {
        OutcomeStore store = store(db);
        try {
            long v0 = store.version();
            Outcome a = store.record(failure("Org/Model-A", "L4", 1, "CUDA_OOM", null));
            Outcome b = store.record(failure("org/model-a", "L4", 1, "KV_CACHE_TOO_SMALL", 12000L));
            store.record(new Outcome(null, null, "Org/Model-A", Outcome.STARTED, "A100-80GB", 1, 0.9, 32768, true, null,
                    500_000L, 31_250L, "sha256:x", null, null));
            store.record(failure("Org/Other", "T4", 1, "CUDA_OOM", null));
            assertEquals(v0 + 4, store.version(), "each write raises the version once");
            assertTrue(b.id() > a.id());

            OutcomeStore.History read = store.history("ORG/MODEL-A", Instant.now().minusSeconds(3600), 100);
            List<Outcome> ofA = read.rows();
            assertEquals(3, ofA.size(), "failures and the start that reported a KV cache; model ids compare without case");
            assertEquals(Outcome.STARTED, ofA.get(0).kind(), "newest first");
            assertEquals(500_000L, ofA.get(0).kvCacheTokens());
            assertEquals(Boolean.TRUE, ofA.get(0).kvFp8());
            assertTrue(store.history("Org/Model-A", Instant.now().plusSeconds(60), 100).rows().isEmpty(), "outside the window");
            assertTrue(read.rows().stream().allMatch(o -> o.excerpt() == null && o.request() == null), "no texts for the rules");
            List<ConfigurationHistory> facts = HistoryCache.facts(read.rows(), read.otherStarts());
            ConfigurationHistory l4 = facts.stream().filter(h -> h.getGpu().equals("L4")).findFirst().orElseThrow();
            assertEquals(2, l4.getFailures());
            assertEquals(0, l4.getSuccesses());
            assertEquals(List.of("KV_CACHE_TOO_SMALL", "CUDA_OOM"), l4.getErrorClasses());
            assertEquals(12000L, l4.getSmallestKvTokens());
            assertEquals(0.9, l4.getKvReports().get(0).utilization());
            assertEquals(0.9, l4.getLowestFailedUtilization());
            ConfigurationHistory a100 = facts.stream().filter(h -> h.getGpu().equals("A100-80GB")).findFirst().orElseThrow();
            assertEquals(1, a100.getSuccesses());

            List<Outcome> all = store.failures(null, null, 2);
            assertEquals(2, all.size());
            assertEquals("Org/Other", all.get(0).model());
            assertEquals(1, store.failures(null, all.get(1).id(), 10).size(), "the page below the last id");
            assertEquals(2, store.failures("org/model-a", null, 10).size());
            assertEquals("CUDA out of memory", all.get(0).excerpt());
            assertFalse(all.get(0).reportedAt().isAfter(Instant.now()));

            assertEquals(3, store.forget("org/MODEL-a"));
            assertTrue(store.failures("Org/Model-A", null, 10).isEmpty());
            assertEquals(v0 + 5, store.version());
        } finally {
            store.close(null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aBusyModelsStartsNeverPushItsFailuresOutAndAnyErrorTextIsStored(String db) throws Exception {
        OutcomeStore store = store(db);
        try {
            store.record(failure("Org/Busy-Start", "L4", 1, "CUDA_OOM", null));
            store.record(new Outcome(null, null, "Org/Busy-Start", Outcome.FAILURE, "L4", 1, 0.9, 8192, false, "CUDA_OOM",
                    null, null, "sha256:x", null, "bad \u0000 byte in a traceback"));
            for (int i = 0; i < 30; i++) {
                store.record(new Outcome(null, null, "Org/Busy-Start", Outcome.STARTED, "L4", 1, 0.9, 8192, false, null,
                        null, null, "sha256:x", null, null));
            }
            OutcomeStore.History read = store.history("Org/Busy-Start", Instant.now().minusSeconds(60), 5);
            ConfigurationHistory l4 = HistoryCache.facts(read.rows(), read.otherStarts()).get(0);
            assertEquals(2, l4.getFailures(), "30 newer starts do not hide the failures");
            assertEquals(30, l4.getSuccesses());
            assertTrue(store.failures("Org/Busy-Start", null, 1).get(0).excerpt().startsWith("bad "));
        } finally {
            store.close(null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void concurrentWritesAreEachCountedOnce(String db) throws Exception {
        OutcomeStore store = store(db);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long v0 = store.version();
            List<Future<Outcome>> writes = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                writes.add(pool.submit(() -> store.record(failure("Org/Busy", "L4", 1, "CUDA_OOM", null))));
            }
            for (Future<Outcome> w : writes) {
                w.get();
            }
            assertEquals(v0 + 40, store.version());
            assertEquals(40, store.history("Org/Busy", Instant.now().minusSeconds(60), 1000).rows().size());
        } finally {
            pool.shutdownNow();
            store.close(null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aStoreThatCannotBeReachedSaysWhy(String db) {
        StoreConfig config = db.equals("postgresql")
                ? TestStores.config(null, "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "gpu", "x")
                : TestStores.config(Path.of("/proc/no-such-folder"), null, null, null);
        OutcomeStore store = new OutcomeStore(config);
        assertFalse(store.open());
        assertTrue(store.lastError() != null && !store.lastError().isBlank());
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class, store::version);
        assertTrue(e.getMessage().contains("not open"), e.getMessage());
        assertNull(store.where().contains("password") ? "leaked" : null);
    }
}
