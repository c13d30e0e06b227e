package dev.gpuconfig.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import org.flywaydb.core.Flyway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Opens the outcome store's database, H2 in a folder or PostgreSQL, as a small connection pool,
 * and brings its schema to the newest migration (src/main/resources/db/migration) before any use.
 * Several replicas starting at once on one PostgreSQL are safe: Flyway serializes them with a lock.
 */
final class Database {
    /**
     * H2 in file mode: WRITE_DELAY=0 writes each commit before it returns, so a stored report
     * survives the process being killed; the service closes the database itself on shutdown, after
     * the last request, rather than H2's own shutdown hook; a small page cache keeps it light.
     */
    private static final String H2_OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=1024";

    private Database() {
    }

    /** Where the store is, without secrets: for logs, errors and GET /v1/failures. */
    static String describe(StoreConfig config) {
        return config.url().map(u -> "PostgreSQL " + u.replaceAll("\\?.*", ""))
                .orElse("embedded H2 in " + Path.of(config.dir()).toAbsolutePath().normalize());
    }

    static AgroalDataSource open(StoreConfig config) throws SQLException {
        String url;
        Class<? extends java.sql.Driver> driver;
        if (config.url().isPresent()) {
            url = config.url().get();
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new SQLException("GPU_STORE_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database), not " + url);
            }
            driver = org.postgresql.Driver.class;
        } else {
            Path dir = Path.of(config.dir()).toAbsolutePath().normalize();
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new SQLException("cannot create the store folder " + dir + ": " + e, e);
            }
            url = "jdbc:h2:file:" + dir.resolve("outcomes") + H2_OPTIONS;
            driver = org.h2.Driver.class;
        }
        AgroalDataSourceConfigurationSupplier supplier = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .minSize(0).initialSize(1).maxSize(4)
                        // a request waits this long for a connection, then gets a 503
                        .acquisitionTimeout(Duration.ofSeconds(2))
                        .validateOnBorrow(true)
                        .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(2))
                        .connectionFactoryConfiguration(cf -> {
                            // A database that does not answer fails a request in seconds, never holds a
                            // decision thread: logins, reads and statements are bounded (the URL's own
                            // settings win over these).
                            cf.jdbcUrl(url).connectionProviderClass(driver).loginTimeout(Duration.ofSeconds(2));
                            if (driver == org.postgresql.Driver.class) {
                                cf.jdbcProperty("connectTimeout", "2").jdbcProperty("socketTimeout", "5")
                                        .jdbcProperty("options", "-c statement_timeout=4000 -c lock_timeout=2000");
                            }
                            config.user().ifPresent(u -> cf.principal(new NamePrincipal(u)));
                            config.password().ifPresent(p -> cf.credential(new SimplePassword(p)));
                            return cf;
                        }));
        AgroalDataSource ds = AgroalDataSource.from(supplier);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new SQLException("cannot bring the store's schema up to date: " + e.getMessage(), e);
        }
        return ds;
    }
}
