package dev.gpuconfig.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.gpuconfig.api.GpuConfigResourceTest.problem;
import static dev.gpuconfig.api.RecoveryResourceTest.JSON;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile or broken input costs a quick 4xx (or a quick answer) and nothing else: pathological
 * error texts, oversized bodies, absurd numbers, a bad batch item, impossible device figures.
 */
@QuarkusTest
class HostileInputTest {
    /** Reports stored here must not steer the decisions of later tests. */
    @org.junit.jupiter.api.AfterEach
    void forgetReportedFailures() {
        dev.gpuconfig.store.Forget.everything();
    }

    /** Inside the accepted 200,000 characters; the backtracking patterns took 27-30 s on it. */
    static final String PATHOLOGICAL = "max seq len ".repeat(16_600);

    static JsonNode decision(String model) throws Exception {
        return JSON.readTree(given().queryParam("model", model).when().get("/v1/gpu-config").then().statusCode(200).extract().asString());
    }

    static String oom(JsonNode decision, String error) {
        ObjectNode req = JSON.createObjectNode();
        req.set("decision", decision);
        req.put("error", error);
        req.put("attempt", 1);
        return req.toString();
    }

    static long timed(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void aPathologicalErrorTextIsClassifiedAtOnce() throws Exception {
        String body = oom(decision("Qwen/Qwen2.5-7B-Instruct"), PATHOLOGICAL);
        long ms = timed(() -> given().contentType(ContentType.JSON).body(body).when().post("/v1/oom")
                .then().statusCode(200).body("errorClass", is("UNKNOWN")));
        assertTrue(ms < 1000, "took " + ms + " ms");
    }

    @Test
    void aNewDecisionBesideSixSlowRequestsIsAnsweredWithinASecond() throws Exception {
        String body = oom(decision("meta-llama/Llama-3.1-8B-Instruct"), PATHOLOGICAL);
        List<CompletableFuture<Integer>> slow = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            slow.add(CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON).body(body)
                    .when().post("/v1/oom").statusCode()));
        }
        Thread.sleep(50);
        long ms = timed(() -> given().queryParam("model", "Qwen/Qwen2.5-14B-Instruct").queryParam("contextLength", 12_345)
                .when().get("/v1/gpu-config").then().statusCode(200));
        assertTrue(ms < 1000, "a new decision took " + ms + " ms beside six recovery reports");
        for (CompletableFuture<Integer> s : slow) {
            assertEquals(200, s.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aHugeNumberInAnErrorTextIsNoNumber() throws Exception {
        String error = "ValueError: The model's max seq len (16432) is larger than the maximum number of tokens that can be "
                + "stored in KV cache (" + "9".repeat(5000) + ").";
        given().contentType(ContentType.JSON).body(oom(decision("Qwen/Qwen2.5-7B-Instruct"), error)).when().post("/v1/oom")
                .then().statusCode(200).body("errorClass", is("KV_CACHE_TOO_SMALL"));
    }

    @Test
    void bodiesOverTheEndpointsLimitAre413ProblemsBeforeTheyAreRead() {
        String decide = "{\"model\": \"microsoft/phi-2\", \"pad\": \"" + "x".repeat(70_000) + "\"}";
        problem(given().contentType(ContentType.JSON).body(decide).when().post("/v1/gpu-config"), 413);
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 25_000; i++) { // about 1.3 MB
            batch.append(i == 0 ? "" : ",").append("{\"model\": \"microsoft/phi-2\", \"contextLength\": 2048}");
        }
        problem(given().contentType(ContentType.JSON).body(batch.append("]").toString()).when().post("/v1/gpu-config/batch"), 413)
                .body("detail", containsString("at most 1048576 bytes"));
        problem(given().contentType(ContentType.JSON).body("{\"error\": \"" + "x".repeat(300_000) + "\"}").when().post("/v1/oom"), 413);
        problem(given().contentType(ContentType.JSON).body("{\"pad\": \"" + "x".repeat(70_000) + "\"}").when().post("/v1/diagnostics"), 413);
    }

    @Test
    void deepNestingAndLongNumbersAreRefusedWhileParsing() {
        String deep = "{\"model\": \"microsoft/phi-2\", \"x\": " + "[".repeat(100) + "]".repeat(100) + "}";
        problem(given().contentType(ContentType.JSON).body(deep).when().post("/v1/gpu-config"), 400);
        String digits = "{\"model\": \"microsoft/phi-2\", \"contextLength\": " + "1".repeat(200) + "}";
        problem(given().contentType(ContentType.JSON).body(digits).when().post("/v1/gpu-config"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/99999999999x7b", "a/99999999999b", "org/model-123456789m", "org/9999999x7b-instruct"})
    void anAbsurdSizeInANameIsA400NamingTheModel(String model) {
        Response r = given().queryParam("model", model).when().get("/v1/gpu-config");
        problem(r, 400).body("detail", containsString("model"));
    }

    @Test
    void oneBadItemGetsItsProblemInItsPlaceAndTheBatchIsAnswered() {
        String body = "[{\"model\": \"microsoft/phi-2\"}, {\"model\": \"a/99999999999x7b\"}, {\"model\": \"google/gemma-2-9b-it\"}]";
        given().contentType(ContentType.JSON).body(body).when().post("/v1/gpu-config/batch").then().statusCode(200)
                .body("[0].model", is("microsoft/phi-2"))
                .body("[1].status", is(400))
                .body("[2].model", is("google/gemma-2-9b-it"));
    }

    @Test
    void aNegativeSizeInARecoveryReportIsA400NamingTheField() throws Exception {
        ObjectNode d = (ObjectNode) decision("Qwen/Qwen2.5-7B-Instruct");
        ((ObjectNode) d.get("profile")).put("totalParamsBillions", -70).put("sizeSource", "request");
        problem(given().contentType(ContentType.JSON).body(oom(d, "CUDA out of memory")).when().post("/v1/oom"), 400)
                .body("detail", containsString("decision.profile.totalParamsBillions"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "memory|weightsGiB|-50|decision.memory.weightsGiB",
            "memory|kvBytesPerTokenPerGpu|0|decision.memory.kvBytesPerTokenPerGpu",
            "|gpuCount|0|decision.gpuCount",
            "|gpuCount|-2|decision.gpuCount",
            "|memoryUtilization|-0.5|decision.memoryUtilization"})
    void impossibleDecisionFiguresSentToDiagnosticsAre400sNamingTheField(String within, String field, double value,
                                                                          String named) throws Exception {
        ObjectNode d = (ObjectNode) decision("Qwen/Qwen2.5-7B-Instruct");
        (within == null ? d : (ObjectNode) d.get(within)).put(field, value);
        String body = "{\"decision\": " + d + ", \"device\": {\"name\": \"NVIDIA L4\", \"totalMiB\": 23034, \"freeMiB\": 22000}}";
        problem(given().contentType(ContentType.JSON).body(body).when().post("/v1/diagnostics"), 400)
                .body("detail", containsString(named));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"totalMiB\": -1, \"freeMiB\": 100", "\"totalMiB\": 0, \"freeMiB\": 0",
            "\"totalMiB\": 23034, \"freeMiB\": 0", "\"totalMiB\": 23034, \"freeMiB\": -5", "\"totalMiB\": 1e300, \"freeMiB\": 1"})
    void impossibleDeviceFiguresAre400sNamingTheField(String figures) throws Exception {
        String body = "{\"decision\": " + decision("Qwen/Qwen2.5-7B-Instruct") + ", \"device\": {\"name\": \"NVIDIA L4\", " + figures + "}}";
        problem(given().contentType(ContentType.JSON).body(body).when().post("/v1/diagnostics"), 400)
                .body("detail", containsString("device."));
    }
}
