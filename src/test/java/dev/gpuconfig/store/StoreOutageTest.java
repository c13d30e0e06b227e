package dev.gpuconfig.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PostgreSQL that is down (nothing listens on its port) costs the service its memory of outcomes, never its
 * decisions: it starts, decides (saying the history is unavailable) and refuses reports with a
 * 503 to retry, each in seconds at most.
 */
class StoreOutageTest {

    @Test
    void withoutItsDatabaseTheServiceDecidesAndRefusesReportsToRetry() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once the socket is closed
        }
        Map<String, String> env = Map.of("GPU_STORE_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/gpuconfig",
                "GPU_STORE_USER", "gpu", "GPU_STORE_PASSWORD", "x",
                "GPU_RULES_DIR", Path.of("rules").toAbsolutePath().toString(), "GPU_RULES_WARMUP_BUILDS", "0");
        try (ServiceProcess s = ServiceProcess.start("store-down", env)) {
            JsonNode d = s.json("/v1/gpu-config?model=" + OutcomeStoreTest.MODEL);
            assertTrue(d.toString().contains("HISTORY_UNAVAILABLE"), d.toString());

            long t0 = System.nanoTime();
            String body = ServiceProcess.JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("decision", d)
                    .put("error", OutcomeStoreTest.OOM).toString();
            HttpResponse<String> oom = s.post("/v1/oom", body);
            assertEquals(503, oom.statusCode(), oom.body());
            assertEquals("1", oom.headers().firstValue("Retry-After").orElse(null));
            assertTrue(oom.body().contains("Outcome store unavailable"), oom.body());
            HttpResponse<String> started = s.post("/v1/outcomes", "{\"decision\": " + d + "}");
            assertEquals(503, started.statusCode(), started.body());
            assertEquals(503, s.get("/v1/failures").statusCode());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "each refusal came in seconds");
            assertEquals(200, s.get("/q/health/ready").statusCode(), "decisions are still served: the replica stays ready");
            String metrics = s.get("/q/metrics").body();
            assertTrue(metrics.contains("gpu_store_available 0.0"), "the store is reported closed");
        }
    }
}
