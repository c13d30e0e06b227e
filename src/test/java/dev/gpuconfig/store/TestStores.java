package dev.gpuconfig.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.util.Optional;

/** Stores for tests that build the service's parts by hand: an embedded one in a folder, or a PostgreSQL one. */
public final class TestStores {
    private TestStores() {
    }

    public static StoreConfig config(Path dir, String url, String user, String password) {
        return new StoreConfig() {
            public String dir() { return dir == null ? "data" : dir.toString(); }
            public Optional<String> url() { return Optional.ofNullable(url); }
            public Optional<String> user() { return Optional.ofNullable(user); }
            public Optional<String> password() { return Optional.ofNullable(password); }
            public long pollMs() { return 200; }
        };
    }

    /** An open store on {@code config}; fails the test with the reason when it cannot be opened. */
    public static OutcomeStore open(StoreConfig config) {
        OutcomeStore store = new OutcomeStore(config);
        if (!store.open()) {
            throw new AssertionError("cannot open " + store.where() + ": " + store.lastError());
        }
        return store;
    }

    /** The history of an open embedded store in {@code dir}. */
    public static HistoryCache embedded(Path dir) {
        return new HistoryCache(open(config(dir, null, null, null)), config(dir, null, null, null),
                new StoreMetrics(new SimpleMeterRegistry()));
    }
}
