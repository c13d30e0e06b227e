package dev.gpuconfig.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for one test class: a new cluster (initdb) in a temporary folder,
 * started with pg_ctl on a free port on 127.0.0.1, and removed afterwards. Debian's package
 * {@code postgresql} provides the programs (.ci/run installs it). initdb refuses to run as root,
 * so as root the programs run as the {@code postgres} user the package creates.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    public static final String USER = "gpu";
    public static final String PASSWORD = "gpu-test-password";
    public static final String DATABASE = "gpuconfig";
    private static final String SUPERUSER_PASSWORD = "superuser-test-password";

    private final Path bin;
    private final Path data;
    private final int port;

    private ThrowawayPostgres(Path bin, Path data, int port) {
        this.bin = bin;
        this.data = data;
        this.port = port;
    }

    public static ThrowawayPostgres start() throws Exception {
        Path bin = findBin();
        Path data = Files.createTempDirectory("gpu-pg");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(bin, data, port);
        if (root()) {
            run(List.of("chown", "postgres:postgres", data.toString()));
        }
        // passwords checked as in a real deployment (scram-sha-256), the superuser's from a file
        Path pwfile = data.resolve("pwfile");
        Files.writeString(pwfile, SUPERUSER_PASSWORD + "\n");
        Path cluster = data.resolve("cluster");
        if (root()) {
            run(List.of("chown", "postgres:postgres", pwfile.toString()));
        }
        pg.pg("initdb", "-D", cluster.toString(), "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + pwfile,
                "-E", "UTF8", "--no-sync");
        // the socket in the cluster's own folder: the default one needs /var/run/postgresql
        pg.pg("pg_ctl", "-D", cluster.toString(), "-l", data.resolve("server.log").toString(), "-w", "-t", "30",
                "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", SUPERUSER_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("create role " + USER + " login password '" + PASSWORD + "'");
            s.execute("create database " + DATABASE + " owner " + USER);
        }
        return pg;
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** A store configuration that uses this server. */
    public StoreConfig config() {
        return TestStores.config(null, url(), USER, PASSWORD);
    }

    /** Empties the outcome tables between tests (the schema stays). */
    public void truncate() throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("delete from outcome");
        }
    }

    /** Stops the server, keeping its data: the database stops answering. */
    public void stop() throws Exception {
        pg("pg_ctl", "-D", data.resolve("cluster").toString(), "-m", "immediate", "-w", "stop");
    }

    /** Starts the stopped server again on the same port and data. */
    public void restart() throws Exception {
        pg("pg_ctl", "-D", data.resolve("cluster").toString(), "-l", data.resolve("server.log").toString(), "-w", "-t", "30",
                "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    @Override
    public void close() throws Exception {
        try {
            if (Files.exists(data.resolve("cluster/postmaster.pid"))) {
                stop();
            }
        } finally {
            try (Stream<Path> walk = Files.walk(data)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void pg(String program, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (root()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.add(bin.resolve(program).toString());
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The newest PostgreSQL's programs under /usr/lib/postgresql/VERSION/bin (Debian's layout). */
    private static Path findBin() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                Path bin = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (bin != null) {
                    return bin;
                }
            }
        }
        throw new IllegalStateException("PostgreSQL's programs are missing: install Debian's package postgresql"
                + " (.ci/run does: apt-get install -y postgresql); looked in " + base + "/*/bin");
    }
}
