package dev.gpuconfig.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class RulesResourceTest {

    @Test
    void statusNamesTheActiveRuleSet() {
        given().when().get("/v1/rules").then().statusCode(200)
                .body("active.version", startsWith("sha256:"))
                .body("active.activatedAt", notNullValue())
                .body("active.ruleCount", greaterThan(50))
                .body("active.files", hasItem("gpu-selection.drl.xlsx"))
                .body("lastAttempt.result", notNullValue());
    }

    @Test
    void reloadNeedsTheToken() {
        GpuConfigResourceTest.problem(given().when().post("/v1/rules/reload"), 401);
        GpuConfigResourceTest.problem(given().header("Authorization", "Bearer wrong").when().post("/v1/rules/reload"), 401);
        GpuConfigResourceTest.problem(given().header("Authorization", "Basic dGVzdA==").when().post("/v1/rules/reload"), 401);
        given().header("Authorization", "Bearer test-admin-token").when().post("/v1/rules/reload")
                .then().statusCode(200).body("lastAttempt.result", is("unchanged"));
    }

    @Test
    void readyOnceRulesAreActive() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.find { it.name == 'rules' }.data.version", startsWith("sha256:"));
    }
}
