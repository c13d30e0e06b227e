package dev.gpuconfig.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reported outcomes steer the next decision, over HTTP, on the real rules and the embedded store:
 * failures through POST /v1/oom, starts through POST /v1/outcomes, listed by GET /v1/failures.
 */
@QuarkusTest
@QuarkusTestResource(FreshStore.class)
public class OutcomeStoreTest {
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
    static final String OOM = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB. GPU 0 has a total "
            + "capacity of 22.05 GiB of which 1.02 GiB is free.";
    static final String ADMIN = "Bearer test-admin-token";

    @BeforeEach
    @AfterEach
    void forget() {
        given().header("Authorization", ADMIN).queryParam("model", MODEL).when().delete("/v1/failures").then().statusCode(200);
    }

    static JsonNode decide(String model) throws Exception {
        return JSON.readTree(given().queryParam("model", model).when().get("/v1/gpu-config").then().statusCode(200)
                .extract().asString());
    }

    static JsonNode reportFailure(JsonNode decision, String error) throws Exception {
        ObjectNode req = JSON.createObjectNode();
        req.set("decision", decision);
        req.put("error", error);
        return JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).when().post("/v1/oom")
                .then().statusCode(200).extract().asString());
    }

    static List<String> codes(JsonNode answer) {
        List<String> codes = new ArrayList<>();
        answer.get("warnings").forEach(w -> codes.add(w.get("code").asText()));
        return codes;
    }

    @Test
    void twoFailuresOfAConfigurationMoveTheNextDecisionWithAWarning() throws Exception {
        JsonNode first = decide(MODEL);
        decide(MODEL); // asked twice: the answer is remembered, and must not outlive the history
        String failedGpu = first.get("modalGpu").asText();

        reportFailure(first, OOM);
        JsonNode afterOne = decide(MODEL);
        assertEquals(failedGpu, afterOne.get("modalGpu").asText(), "one failure is not yet a pattern");

        reportFailure(first, OOM);
        JsonNode afterTwo = decide(MODEL);
        assertNotEquals(failedGpu, afterTwo.get("modalGpu").asText(), "the configuration that failed twice is avoided");
        assertTrue(codes(afterTwo).contains("AVOIDED_AFTER_FAILURES"), afterTwo.toString());
        String warning = afterTwo.get("warnings").findValuesAsText("message").stream()
                .filter(m -> m.startsWith(failedGpu)).findFirst().orElseThrow();
        assertTrue(warning.contains("failed 2 times") && warning.contains("CUDA_OOM"), warning);
        assertTrue(afterTwo.get("firedRules").toString().contains("history: avoid a configuration that failed repeatedly"));

        JsonNode page = JSON.readTree(given().queryParam("model", MODEL).when().get("/v1/failures").then().statusCode(200)
                .extract().asString());
        assertEquals(2, page.get("failures").size());
        JsonNode f = page.get("failures").get(0);
        assertEquals(MODEL, f.get("model").asText());
        assertEquals("CUDA_OOM", f.get("errorClass").asText());
        assertTrue(f.get("excerpt").asText().contains("CUDA out of memory"));
        JsonNode config = page.get("configurations").get(0);
        assertEquals(2, config.get("failures").asInt());
        assertTrue(config.get("avoided").asBoolean());
        assertEquals(7, page.get("windowDays").asInt());

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("gpu_failures_total{") && l.contains("model=\"" + MODEL + "\"")
                && l.contains("error_class=\"CUDA_OOM\"")), "failures are counted by model, GPU and error class");

        forget();
        assertEquals(failedGpu, decide(MODEL).get("modalGpu").asText(), "forgotten failures steer nothing");
    }

    @Test
    void failuresArePagedNewestFirst() throws Exception {
        JsonNode d = decide(MODEL);
        for (int i = 0; i < 3; i++) {
            reportFailure(d, OOM);
        }
        JsonNode page1 = JSON.readTree(given().queryParam("limit", "2").when().get("/v1/failures").then().statusCode(200)
                .extract().asString());
        assertEquals(2, page1.get("failures").size());
        assertNull(page1.get("configurations").isNull() ? null : page1.get("configurations"), "no model, no configurations");
        long newest = page1.get("failures").get(0).get("id").asLong();
        assertTrue(newest > page1.get("failures").get(1).get("id").asLong(), "newest first");
        String next = page1.get("next").asText();
        JsonNode page2 = JSON.readTree(given().when().get(next).then().statusCode(200).extract().asString());
        assertFalse(page2.get("failures").isEmpty());
        assertTrue(page2.get("failures").get(0).get("id").asLong() < page1.get("failures").get(1).get("id").asLong());
    }

    @Test
    void aReportedKvCacheSmallerThanTheEstimateCorrectsIt() throws Exception {
        JsonNode d = decide(MODEL);
        long estimated = d.get("memory").get("maxTokensInKvCache").asLong();
        ObjectNode report = JSON.createObjectNode();
        report.set("decision", d);
        report.put("kvCacheTokens", estimated / 3);
        given().contentType(ContentType.JSON).body(report.toString()).when().post("/v1/outcomes").then().statusCode(201)
                .body("kvCacheTokens", is((int) (estimated / 3)));

        JsonNode after = decide(MODEL);
        assertTrue(codes(after).contains("KV_CACHE_REPORTED"), after.toString());
        double gapGiB = (estimated - estimated / 3) * d.get("memory").get("kvBytesPerTokenPerGpu").asDouble() / (1L << 30);
        assertEquals(d.get("memory").get("overheadGiB").asDouble() + gapGiB, after.get("memory").get("overheadGiB").asDouble(), 0.02,
                "the gap between estimate and report is memory this model uses");
        JsonNode page = JSON.readTree(given().queryParam("model", MODEL).when().get("/v1/failures").then().statusCode(200)
                .extract().asString());
        assertEquals(0, page.get("failures").size(), "a start is no failure");
        assertEquals(1, page.get("configurations").get(0).get("started").asInt());
        assertEquals(estimated / 3, page.get("configurations").get(0).get("smallestKvCacheTokens").asLong());
    }

    @Test
    void gpuBlocksCountAsTokensOfTheBlockSize() throws Exception {
        JsonNode d = decide(MODEL);
        ObjectNode report = JSON.createObjectNode();
        report.set("decision", d);
        report.put("gpuBlocks", 1000);
        given().contentType(ContentType.JSON).body(report.toString()).when().post("/v1/outcomes").then().statusCode(201)
                .body("kvCacheTokens", is(16000));
        given().queryParam("model", MODEL).when().get("/v1/failures").then().statusCode(200)
                .body("configurations[0].smallestKvCacheTokens", is(16000));
    }

    @Test
    void badReportsAreRefusedClearly() throws Exception {
        JsonNode d = decide(MODEL);
        ObjectNode unknownGpu = JSON.createObjectNode();
        unknownGpu.set("decision", d.deepCopy());
        ((ObjectNode) unknownGpu.get("decision")).put("gpu", "Z9000");
        given().contentType(ContentType.JSON).body(unknownGpu.toString()).when().post("/v1/outcomes").then().statusCode(400)
                .body("detail", containsString("Z9000"));
        given().contentType(ContentType.JSON).body("{}").when().post("/v1/outcomes").then().statusCode(400)
                .body("detail", containsString("decision"));
        ObjectNode negative = JSON.createObjectNode();
        negative.set("decision", d);
        negative.put("kvCacheTokens", -5);
        given().contentType(ContentType.JSON).body(negative.toString()).when().post("/v1/outcomes").then().statusCode(400)
                .body("detail", containsString("kvCacheTokens"));
        given().queryParam("limit", "0").when().get("/v1/failures").then().statusCode(400);
        given().queryParam("before", "abc").when().get("/v1/failures").then().statusCode(400);
        given().queryParam("model", "../../etc/passwd").when().get("/v1/failures").then().statusCode(400);
        given().queryParam("model", MODEL).when().delete("/v1/failures").then().statusCode(401);
        given().header("Authorization", ADMIN).when().delete("/v1/failures").then().statusCode(400);
        assertNotNull(given().when().get("/v1/failures").then().statusCode(200).extract().path("failures"));
    }
}
