package dev.gpuconfig.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as operators run it: the runnable jar (built before the tests run, see pom.xml) in
 * its own JVM with the image's heap bounds, configured only by environment variables. For tests
 * of what crosses processes: restarts and replicas.
 */
public final class ServiceProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/gpu-config-service-runner.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts one instance with {@code env} added to this JVM's environment, and waits until it is ready. */
    public static ServiceProcess start(String name, Map<String, String> env) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: it is built in the process-test-classes phase (./mvnw test builds it)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createDirectories(Path.of("target/service-logs")).resolve(name + "-" + port + ".log");
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Xmx128m", "-Xss512k", "-XX:TieredStopAtLevel=1",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", JAR.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("GPU_ADMIN_TOKEN", "replica-admin-token");
        ServiceProcess s = new ServiceProcess(pb.start(), port, log);
        s.awaitReady();
        return s;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("not ready in 90 s:\n" + Files.readString(log));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a GET that must answer 200, as JSON. */
    public JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Reports {@code decision} as failed with {@code error}; the answer of POST /v1/oom. */
    public JsonNode reportFailure(JsonNode decision, String error) throws Exception {
        String body = JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("decision", decision)
                .put("error", error).toString();
        HttpResponse<String> r = post("/v1/oom", body);
        if (r.statusCode() != 200) {
            throw new AssertionError("POST /v1/oom answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Kills the JVM at once, as a crash or an OOM killer would: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
