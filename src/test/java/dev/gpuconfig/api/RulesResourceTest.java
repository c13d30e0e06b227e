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
    void metricsAreExposedForPrometheus() {
        given().queryParam("model", "microsoft/phi-2").when().get("/v1/gpu-config").then().statusCode(200);
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : new String[]{"gpu_rules_reloads_total{outcome=\"activated\"", "gpu_rules_activations_total ",
                "gpu_rules_last_activation_seconds",
                "gpu_rules_build_duration_seconds_count", "gpu_decisions_total{gpu=\"T4\"", "gpu_decision_latency_seconds_count",
                "gpu_rule_firings_total{rule=\"size band: small\"", "gpu_decision_remembered_answers",
                "gpu_batch_items_in_flight", "gpu_batch_waiting", "gpu_batch_refused_total"}) {
            org.junit.jupiter.api.Assertions.assertTrue(metrics.contains(name), name + " missing from /q/metrics");
        }
    }

    @Test
    void firingsCountEveryAnsweredDecisionAlsoWhenMemoized() {
        String rule = "gpu_rule_firings_total{rule=\"size band: small\"";
        given().queryParam("model", "microsoft/phi-2").when().get("/v1/gpu-config").then().statusCode(200);
        String byGpu = "gpu_decisions_total{gpu=\"T4\"";
        double before = metric(rule);
        double chosenBefore = metric(byGpu);
        for (int i = 0; i < 3; i++) {
            given().queryParam("model", "microsoft/phi-2").when().get("/v1/gpu-config").then().statusCode(200);
        }
        org.junit.jupiter.api.Assertions.assertEquals(before + 3, metric(rule), 0.0);
        // the memo keeps the JSON with the chosen configuration, which the metrics count for every answer
        org.junit.jupiter.api.Assertions.assertEquals(chosenBefore + 3, metric(byGpu), 0.0);
    }

    @Test
    void latencyIsCountedByHowTheAnswerWasFoundAndTheRememberedAnswersAreCounted() {
        // a context length no other test asks for (of 128k): a request the active rule set has not answered
        int context = 20_000 + (int) (System.nanoTime() % 10_000);
        String evaluated = "gpu_decision_latency_seconds_count{answer=\"evaluated\"";
        String remembered = "gpu_decision_latency_seconds_count{answer=\"remembered\"";
        double evaluatedBefore = metric(evaluated);
        double rememberedBefore = metric(remembered);
        double answersBefore = metric("gpu_decision_remembered_answers ");
        for (int i = 0; i < 3; i++) {
            given().queryParam("model", "meta-llama/Llama-3.1-8B-Instruct").queryParam("contextLength", context)
                    .when().get("/v1/gpu-config").then().statusCode(200);
        }
        // the memo keeps an answer from its second request on: evaluated twice, then remembered
        org.junit.jupiter.api.Assertions.assertEquals(evaluatedBefore + 2, metric(evaluated), 0.0);
        org.junit.jupiter.api.Assertions.assertEquals(rememberedBefore + 1, metric(remembered), 0.0);
        org.junit.jupiter.api.Assertions.assertEquals(answersBefore + 1, metric("gpu_decision_remembered_answers "), 0.0);
    }

    private static double metric(String prefix) {
        return dev.gpuconfig.decide.ScrapedMetrics.required(prefix);
    }

    @Test
    void readyOnceRulesAreActive() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.find { it.name == 'rules' }.data.version", startsWith("sha256:"));
    }
}
