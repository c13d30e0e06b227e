package dev.gpuconfig.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

/**
 * Typed configuration under {@code gpu.store.*} (environment: GPU_STORE_DIR, GPU_STORE_URL,
 * GPU_STORE_USER, GPU_STORE_PASSWORD, GPU_STORE_POLL_MS). Without a URL the outcomes live in an
 * embedded database in {@code dir}; with one, in that PostgreSQL database, shared by replicas.
 */
@ConfigMapping(prefix = "gpu.store")
public interface StoreConfig {
    /** The embedded database's folder; relative paths resolve against the working directory. */
    @WithDefault("data")
    String dir();

    /** A PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db); replaces the embedded database. */
    Optional<String> url();

    Optional<String> user();

    Optional<String> password();

    /**
     * How often the service looks whether another replica wrote an outcome (one read of one row),
     * and retries a store it could not open: a change elsewhere reaches this replica's answers
     * within about this long.
     */
    @WithName("poll-ms")
    @WithDefault("1000")
    long pollMs();
}
