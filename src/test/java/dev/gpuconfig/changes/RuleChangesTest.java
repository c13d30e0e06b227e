package dev.gpuconfig.changes;

import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RulesCopy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import dev.gpuconfig.check.ChangesCheckAccess;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An edit of a copy of rules/ under the running service: GET /v1/rules/changes lists the decisions
 * it moved, with before and after, and none that stayed; bin/check-rules --against shows the same
 * offline.
 */
@QuarkusTest
@TestProfile(RuleChangesTest.Copy.class)
class RuleChangesTest {
    static final Path DIR = RulesCopy.create();
    static final String EDIT_FROM = "utilization: tiny,tiny,false,0.90";
    static final String EDIT_TO = "utilization: tiny,tiny,false,0.86";

    public static class Copy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gpu.rules.dir", DIR.toString(), "gpu.rules.watch", "false");
        }
    }

    @Test
    void anActivationSaysWhichDecisionsItMovedAndOnlyThose() throws Exception {
        for (int i = 0; i < 2; i++) { // a request the service was asked: part of what is compared
            given().queryParam("model", "Qwen/Qwen2.5-0.5B-Instruct").queryParam("contextLength", 12_000).when()
                    .get("/v1/gpu-config").then().statusCode(200);
        }
        given().when().get("/v1/rules/changes").then().statusCode(404);
        String before = given().when().get("/v1/rules").jsonPath().getString("active.version");
        Path table = DIR.resolve("utilization.drl.csv");
        String text = RulesCopy.read(table);
        assertTrue(text.contains(EDIT_FROM));
        RulesCopy.write(table, text.replace(EDIT_FROM, EDIT_TO));
        given().header("Authorization", "Bearer test-admin-token").when().post("/v1/rules/reload").then().statusCode(200);
        String after = RuleFolder.read(DIR).version();

        JsonPath changes = null;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            var r = given().when().get("/v1/rules/changes");
            if (r.statusCode() == 200 && after.equals(r.jsonPath().getString("to"))) {
                changes = r.jsonPath();
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(changes != null, "no comparison for the activation");
        assertEquals(before, changes.getString("from"));
        assertTrue(changes.getInt("asked") > 220, "the whole catalog and the asked requests: " + changes.getInt("asked"));
        List<Map<String, Object>> changed = changes.getList("changed");
        assertFalse(changed.isEmpty());
        for (Map<String, Object> c : changed) {
            assertNotEquals(c.get("before"), c.get("after"), c.toString());
        }
        Map<String, Object> tiny = changed.stream().filter(c -> "Qwen/Qwen2.5-0.5B-Instruct".equals(c.get("model"))
                && c.get("contextLength") == null).findFirst().orElseThrow(() -> new AssertionError(changed.toString()));
        assertEquals(0.9f, ((Map<?, ?>) tiny.get("before")).get("memoryUtilization"));
        assertEquals(0.86f, ((Map<?, ?>) tiny.get("after")).get("memoryUtilization"));
        assertTrue(changed.stream().anyMatch(c -> "Qwen/Qwen2.5-0.5B-Instruct".equals(c.get("model"))
                && Integer.valueOf(12_000).equals(c.get("contextLength"))), "the request the service was asked");
        assertTrue(changed.stream().noneMatch(c -> String.valueOf(c.get("model")).contains("70B")),
                "a 70B model is no tiny model: its decision did not move");
        given().queryParam("last", 5).when().get("/v1/rules/changes").then().statusCode(200)
                .body("[0].to", org.hamcrest.Matchers.is(after));
        given().queryParam("last", 0).when().get("/v1/rules/changes").then().statusCode(400);

        // the same offline: the edited copy against the shipped folder
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = ChangesCheckAccess.run(DIR.toString(), "rules", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertTrue(out.contains("Qwen/Qwen2.5-0.5B-Instruct: T4 x1 0.90 32768 -> T4 x1 0.86 32768"), out);
        assertFalse(out.contains("70B"), out);
        long lines = out.lines().filter(l -> l.contains(" -> ")).count();
        assertEquals(changed.stream().filter(c -> c.get("contextLength") == null || !"Qwen/Qwen2.5-0.5B-Instruct".equals(c.get("model"))
                || !Integer.valueOf(12_000).equals(c.get("contextLength"))).count(), lines,
                "offline, the same decisions moved (the asked request aside)");
    }
}
