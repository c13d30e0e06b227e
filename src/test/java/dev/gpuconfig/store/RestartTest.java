package dev.gpuconfig.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded store needs no setup and keeps what was reported through a crash of the service. */
class RestartTest {

    @Test
    void reportedFailuresSteerTheDecisionAfterTheServiceWasKilled() throws Exception {
        Path dir = Files.createTempDirectory("gpu-store-restart");
        Map<String, String> env = Map.of("GPU_STORE_DIR", dir.resolve("data").toString(),
                "GPU_RULES_DIR", Path.of("rules").toAbsolutePath().toString(), "GPU_RULES_WARMUP_BUILDS", "0");
        String failed;
        try (ServiceProcess s = ServiceProcess.start("restart-1", env)) {
            JsonNode d = s.json("/v1/gpu-config?model=" + OutcomeStoreTest.MODEL);
            failed = d.get("modalGpu").asText();
            s.reportFailure(d, OutcomeStoreTest.OOM);
            s.reportFailure(d, OutcomeStoreTest.OOM);
            s.kill(); // no shutdown: what was answered must already be on disk
        }
        try (ServiceProcess s = ServiceProcess.start("restart-2", env)) {
            JsonNode d = s.json("/v1/gpu-config?model=" + OutcomeStoreTest.MODEL);
            assertNotEquals(failed, d.get("modalGpu").asText());
            assertTrue(d.toString().contains("AVOIDED_AFTER_FAILURES"), d.toString());
            assertEquals(2, s.json("/v1/failures?model=" + OutcomeStoreTest.MODEL).get("failures").size());
        } finally {
            FreshStore.delete(dir);
        }
    }
}
