package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RulesCopy;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edits real files in a copy of rules/ under the running service and watches what it serves:
 * good edits are followed, broken ones are refused and reported while the last good set serves.
 */
@QuarkusTest
@TestProfile(HotReloadTest.Copy.class)
class HotReloadTest {
    static final Path DIR = RulesCopy.create();
    static final String MODEL = "Qwen/Qwen2.5-0.5B-Instruct";

    public static class Copy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gpu.rules.dir", DIR.toString(), "gpu.rules.settle-ms", "200");
        }
    }

    private String original;
    @jakarta.inject.Inject
    RulesManager rules;
    @jakarta.inject.Inject
    RulesConfig config;

    @Test
    void warmUpBuildsRunOnceRulesAreActiveAndTheServerListens() throws InterruptedException {
        // started before the server listened they slowed start-up; they must still run (or yield to an edit)
        int expected = config.rules().warmupBuilds();
        assertTrue(expected > 0);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (rules.warmUpsSettled() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(expected, rules.warmUpsSettled());
    }

    @BeforeEach
    void remember() {
        original = RulesCopy.read(DIR.resolve("utilization.drl.csv"));
    }

    @AfterEach
    void restore() throws IOException {
        RulesCopy.copy(Path.of("rules"), DIR);
        try (var s = Files.walk(DIR)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!Files.exists(Path.of("rules").resolve(DIR.relativize(p).toString()))) {
                    Files.delete(p);
                }
            }
        }
        awaitStatus(j -> "activated".equals(j.getString("lastAttempt.result")) || "unchanged".equals(j.getString("lastAttempt.result")));
        awaitStatus(j -> j.getString("active.version").equals(RuleFolder.read(DIR).version()));
    }

    @Test
    void anEditIsServedWithoutARestart() {
        String before = version();
        long t0 = System.nanoTime();
        RulesCopy.write(DIR.resolve("utilization.drl.csv"), original.replace("utilization: tiny,tiny,false,0.90", "utilization: tiny,tiny,false,0.86"));
        JsonPath answer = awaitDecision(j -> j.getDouble("memoryUtilization") == 0.86);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("edit served after " + ms + " ms");
        assertNotEquals(before, answer.getString("rulesVersion"));
        assertEquals(version(), answer.getString("rulesVersion"), "answers and GET /v1/rules name the same version");
    }

    @Test
    void aBrokenDrlKeepsTheOldRulesServing() {
        String before = version();
        RulesCopy.write(DIR.resolve("extra.drl"), "package dev.gpuconfig.policy;\nrule \"half written\"\nwhen\n  Foo(\nthen\nend\n");
        JsonPath status = awaitStatus(j -> "rejected".equals(j.getString("lastAttempt.result")));
        assertTrue(files(status).contains("extra.drl"), status.prettify());
        assertEquals(before, version());
        assertEquals(before, decide().getString("rulesVersion"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aBrokenSpreadsheetKeepsTheOldRulesServing() {
        String before = version();
        RulesCopy.write(DIR.resolve("gpu-selection.drl.xlsx"), "PK\u0003\u0004 half saved".getBytes());
        JsonPath status = awaitStatus(j -> "rejected".equals(j.getString("lastAttempt.result")));
        assertTrue(files(status).contains("gpu-selection.drl.xlsx"), status.prettify());
        assertEquals(before, decide().getString("rulesVersion"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks[0].data.lastAttempt", org.hamcrest.Matchers.is("rejected"));
    }

    @Test
    void aFailingPolicyTestKeepsTheOldRulesServing() {
        String before = version();
        RulesCopy.write(DIR.resolve("tests/extra.csv"), "model,gpu\n" + MODEL + ",B200\n");
        JsonPath status = awaitStatus(j -> "rejected".equals(j.getString("lastAttempt.result")));
        assertTrue(files(status).contains("tests/extra.csv"), status.prettify());
        assertTrue(status.getString("lastAttempt.errors[0].message").contains("expected B200"), status.prettify());
        assertEquals(2, status.getInt("lastAttempt.errors[0].line"));
        assertEquals(before, decide().getString("rulesVersion"));
    }

    @Test
    void editorTempFilesAreIgnored() throws Exception {
        String before = version();
        String lastAt = status().getString("lastAttempt.at");
        Files.writeString(DIR.resolve(".~lock.gpu-selection.drl.xlsx#"), "lock");
        Files.writeString(DIR.resolve("policy.drl.swp"), "swap");
        Thread.sleep(1500);
        assertEquals(before, version());
        assertEquals(lastAt, status().getString("lastAttempt.at"), "no reload for temp files");
        Files.delete(DIR.resolve(".~lock.gpu-selection.drl.xlsx#"));
        Files.delete(DIR.resolve("policy.drl.swp"));
    }

    static List<String> files(JsonPath status) {
        return status.getList("lastAttempt.errors.file");
    }

    static String version() {
        return status().getString("active.version");
    }

    static JsonPath status() {
        return given().when().get("/v1/rules").then().statusCode(200).extract().jsonPath();
    }

    static JsonPath decide() {
        return given().queryParam("model", MODEL).when().get("/v1/gpu-config").then().statusCode(200).extract().jsonPath();
    }

    static JsonPath awaitStatus(Predicate<JsonPath> done) {
        return await(HotReloadTest::status, done);
    }

    static JsonPath awaitDecision(Predicate<JsonPath> done) {
        return await(HotReloadTest::decide, done);
    }

    private static JsonPath await(java.util.function.Supplier<JsonPath> get, Predicate<JsonPath> done) {
        long deadline = System.currentTimeMillis() + 20_000;
        JsonPath last = null;
        while (System.currentTimeMillis() < deadline) {
            last = get.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("not reached within 20 s; last: " + (last == null ? null : last.prettify()));
    }
}
