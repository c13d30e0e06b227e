package dev.gpuconfig.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuconfig.engine.RulesCopy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas of the service, each its own JVM from the runnable jar, sharing one rules folder and
 * one PostgreSQL (a real server started for this class), as on Kubernetes with the PostgreSQL
 * overlay: what one learns, the other answers with, within 2 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManyReplicasTest {
    static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    static final long STALE_MS = 2000;
    static ThrowawayPostgres pg;
    static Path rules;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        pg = ThrowawayPostgres.start();
        rules = RulesCopy.create();
        Map<String, String> env = Map.of("GPU_RULES_DIR", rules.toString(), "GPU_STORE_URL", pg.url(),
                "GPU_STORE_USER", ThrowawayPostgres.USER, "GPU_STORE_PASSWORD", ThrowawayPostgres.PASSWORD,
                "GPU_RULES_WARMUP_DELAY_MS", "0");
        a = ServiceProcess.start("replica-a", env);
        b = ServiceProcess.start("replica-b", env);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, pg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void aFailureReportedToOneReplicaChangesTheDecisionOnTheOther() throws Exception {
        JsonNode first = a.json("/v1/gpu-config?model=" + MODEL);
        String failed = first.get("modalGpu").asText();
        b.json("/v1/gpu-config?model=" + MODEL);
        assertEquals(failed, b.json("/v1/gpu-config?model=" + MODEL).get("modalGpu").asText(), "b remembers its answer");

        a.reportFailure(first, OutcomeStoreTest.OOM);
        a.reportFailure(first, OutcomeStoreTest.OOM);
        long reported = System.nanoTime();
        JsonNode onB;
        do {
            onB = b.json("/v1/gpu-config?model=" + MODEL);
        } while (onB.get("modalGpu").asText().equals(failed) && System.nanoTime() - reported < TimeUnit.MILLISECONDS.toNanos(5 * STALE_MS));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reported);
        System.out.printf("replica b answered with a's failures %d ms after they were stored%n", ms);
        assertNotEquals(failed, onB.get("modalGpu").asText(), "b never saw the failures a stored");
        assertTrue(ms <= STALE_MS, "b answered from the old history for " + ms + " ms");
        assertTrue(onB.toString().contains("AVOIDED_AFTER_FAILURES"), onB.toString());
        assertEquals(2, b.json("/v1/failures?model=" + MODEL).get("failures").size(), "b lists what a stored");
    }

    @Test
    @Order(2)
    void anEditOfTheSharedFolderBringsBothToTheSameRulesVersion() throws Exception {
        String before = a.json("/v1/rules").at("/active/version").asText();
        assertEquals(before, b.json("/v1/rules").at("/active/version").asText());
        Thread.sleep(8000); // the warm-up builds after start are done: the edit is built as in a service that runs for long
        Path settings = rules.resolve("settings.properties");
        Files.writeString(settings, Files.readString(settings).replace("history.failures.to.avoid=2", "history.failures.to.avoid=3"));
        long edited = System.nanoTime();
        String va;
        String vb;
        do {
            Thread.sleep(50);
            va = a.json("/v1/rules").at("/active/version").asText();
            vb = b.json("/v1/rules").at("/active/version").asText();
        } while ((va.equals(before) || !va.equals(vb)) && System.nanoTime() - edited < TimeUnit.SECONDS.toNanos(20));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - edited);
        System.out.printf("both replicas ran the edited rules %d ms after the edit%n", ms);
        assertNotEquals(before, va, "a did not follow the edit");
        assertEquals(va, vb, "both replicas run the same rules");
        assertTrue(ms <= STALE_MS, "the replicas took " + ms + " ms to agree on the edit");
        // with 3 failures needed now, the two stored ones no longer steer the decision
        JsonNode page = b.json("/v1/failures?model=" + MODEL);
        assertEquals(3, page.get("failuresToAvoid").asInt(), "b reads the edited setting");
        assertEquals(2, page.at("/configurations/0/failures").asInt(), "the stored failures are still there");
        assertTrue(!page.at("/configurations/0/avoided").asBoolean());
        assertTrue(!b.json("/v1/gpu-config?model=" + MODEL).toString().contains("AVOIDED_AFTER_FAILURES"));
    }
}
