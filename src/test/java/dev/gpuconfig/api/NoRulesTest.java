package dev.gpuconfig.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/** Without a valid rule set the service is not ready and decisions are 503 problems, never 500s. */
@QuarkusTest
@TestProfile(NoRulesTest.MissingFolder.class)
class NoRulesTest {

    public static class MissingFolder implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gpu.rules.dir", "target/no-such-rules-folder", "gpu.admin.token", "");
        }
    }

    @Test
    void decisionsAre503() {
        GpuConfigResourceTest.problem(given().queryParam("model", "microsoft/phi-2").when().get("/v1/gpu-config"), 503);
        GpuConfigResourceTest.problem(given().when().get("/v1/gpus"), 503);
    }

    @Test
    void notReadyAndTheStatusSaysWhy() {
        given().when().get("/q/health/ready").then().statusCode(503).body("status", is("DOWN"));
        given().when().get("/v1/rules").then().statusCode(200)
                .body("lastAttempt.result", is("rejected"))
                .body("lastAttempt.errors[0].message", notNullValue());
    }

    @Test
    void reloadIsOffWithoutAToken() {
        GpuConfigResourceTest.problem(given().header("Authorization", "Bearer x").when().post("/v1/rules/reload"), 403);
    }
}
