package dev.gpuconfig.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.FitInvariants;
import dev.gpuconfig.decide.ShippedPolicy;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recovery ladder and the start-up check over HTTP, through the real rules. */
@QuarkusTest
class RecoveryResourceTest {
    /** Reports stored here must not steer the decisions of later tests. */
    @org.junit.jupiter.api.AfterEach
    void forgetReportedFailures() {
        dev.gpuconfig.store.Forget.everything();
    }

    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final Set<String> ACTIONS = Set.of("REDUCE_MEMORY", "FALLBACK_GPU", "ALTERNATIVE_MODEL", "GIVE_UP");

    static final String KV = "ValueError: The model's max seq len (16432) is larger than the maximum number of tokens that "
            + "can be stored in KV cache (12000). Try increasing `gpu_memory_utilization` or decreasing `max_model_len`";
    static final String BLOCKS = "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`";
    static final String FREE = "ValueError: Free memory on device (18.2/22.05 GiB) on startup is less than desired GPU memory "
            + "utilization (0.85, 18.74 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.";
    static final String CUDA_LOAD = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB. GPU 0 has a total "
            + "capacity of 22.05 GiB of which 1.02 GiB is free. (while loading weights)";
    static final String CUDA_GRAPH = "RuntimeError: CUDA out of memory while capturing CUDA graph";

    /** Follows the ladder from a first decision to GIVE_UP; every step must fit and change something. */
    static List<String> ladder(String model, String error, String expectedClass) throws Exception {
        String body = given().queryParam("model", model).when().get("/v1/gpu-config").then().statusCode(200).extract().asString();
        JsonNode decision = JSON.readTree(body);
        List<String> actions = new ArrayList<>();
        for (int attempt = 1; attempt <= 12; attempt++) {
            ObjectNode req = JSON.createObjectNode();
            req.set("decision", decision);
            req.put("error", error);
            req.put("attempt", attempt);
            JsonNode r = JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).when().post("/v1/oom")
                    .then().statusCode(200).extract().asString());
            String action = r.get("action").asText();
            assertTrue(ACTIONS.contains(action), action);
            assertEquals(expectedClass, r.get("errorClass").asText());
            assertFalse(r.get("reason").asText().isBlank());
            actions.add(action);
            if (action.equals("GIVE_UP")) {
                assertTrue(r.get("next").isNull(), "GIVE_UP has no next");
                return actions;
            }
            DecideResponse next = JSON.treeToValue(r.get("next"), DecideResponse.class);
            FitInvariants.check(next, ShippedPolicy.get().gpus(), ShippedPolicy.get().settings());
            DecideResponse failed = JSON.treeToValue(decision, DecideResponse.class);
            assertFalse(sameConfiguration(failed, next), "step " + attempt + " repeats the configuration that failed: " + next.modalGpu());
            if (action.equals("ALTERNATIVE_MODEL")) {
                assertFalse(r.get("alternatives").isEmpty());
            }
            decision = r.get("next");
        }
        throw new AssertionError("the ladder did not end: " + actions);
    }

    static boolean sameConfiguration(DecideResponse a, DecideResponse b) {
        return a.model().equals(b.model()) && a.modalGpu().equals(b.modalGpu()) && a.memoryUtilization() == b.memoryUtilization()
                && a.engineArgs().equals(b.engineArgs());
    }

    @ParameterizedTest(name = "{2} on {0}")
    @CsvSource(delimiter = '|', value = {
            "meta-llama/Llama-3.1-8B-Instruct | KV | KV_CACHE_TOO_SMALL",
            "meta-llama/Llama-3.1-8B-Instruct | BLOCKS | NO_CACHE_BLOCKS",
            "Qwen/Qwen2.5-7B-Instruct | FREE | FREE_MEMORY_BELOW_UTILIZATION",
            "Qwen/Qwen2.5-7B-Instruct | CUDA_LOAD | CUDA_OOM",
            "Qwen/Qwen2.5-72B-Instruct | CUDA_GRAPH | CUDA_OOM",
            "microsoft/phi-2 | UNKNOWN | UNKNOWN",
    })
    void eachErrorClassLaddersToTheEnd(String model, String errorName, String errorClass) throws Exception {
        String error = switch (errorName) {
            case "KV" -> KV;
            case "BLOCKS" -> BLOCKS;
            case "FREE" -> FREE;
            case "CUDA_LOAD" -> CUDA_LOAD;
            case "CUDA_GRAPH" -> CUDA_GRAPH;
            default -> "Segmentation fault (core dumped)";
        };
        List<String> actions = ladder(model, error, errorClass);
        System.out.println(errorClass + " on " + model + ": " + actions);
        assertEquals("GIVE_UP", actions.get(actions.size() - 1));
        switch (errorClass) {
            case "KV_CACHE_TOO_SMALL", "NO_CACHE_BLOCKS", "FREE_MEMORY_BELOW_UTILIZATION", "CUDA_OOM" -> {
                assertEquals("REDUCE_MEMORY", actions.get(0), "memory first on the same GPU");
                assertTrue(actions.contains("FALLBACK_GPU"), "then a larger GPU: " + actions);
            }
            default -> assertEquals("FALLBACK_GPU", actions.get(0), "unknown text: the next fallback");
        }
    }

    @Test
    void cudaOomLowersSequencesThenCudaGraphsThenMoves() throws Exception {
        JsonNode decision = JSON.readTree(given().queryParam("model", "Qwen/Qwen2.5-7B-Instruct").when().get("/v1/gpu-config").asString());
        ObjectNode req = JSON.createObjectNode().put("error", CUDA_LOAD).put("attempt", 1);
        req.set("decision", decision);
        JsonNode r1 = JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).post("/v1/oom").asString());
        assertEquals(64, r1.at("/next/engineArgs/max_num_seqs").asInt());
        assertTrue(r1.at("/next/engineArgs/enforce_eager").isMissingNode());
        req.set("decision", r1.get("next"));
        req.put("attempt", 2);
        JsonNode r2 = JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).post("/v1/oom").asString());
        assertTrue(r2.at("/next/engineArgs/enforce_eager").asBoolean());
        req.set("decision", r2.get("next"));
        req.put("attempt", 3);
        JsonNode r3 = JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).post("/v1/oom").asString());
        assertEquals("FALLBACK_GPU", r3.get("action").asText());
        assertFalse(r3.at("/next/gpu").asText().equals(decision.get("gpu").asText()) && r3.at("/next/gpuCount").asInt() == 1);
    }

    @Test
    void theReportedKvCapacityCapsMaxModelLen() throws Exception {
        JsonNode decision = JSON.readTree(given().queryParam("model", "meta-llama/Llama-3.1-8B-Instruct").queryParam("contextLength", 8192)
                .when().get("/v1/gpu-config").asString());
        ObjectNode req = JSON.createObjectNode().put("attempt", 1).put("error",
                "The model's max seq len (" + decision.at("/engineArgs/max_model_len").asInt()
                        + ") is larger than the maximum number of tokens that can be stored in KV cache (10010).");
        req.set("decision", decision);
        given().contentType(ContentType.JSON).body(req.toString()).when().post("/v1/oom").then().statusCode(200)
                .body("action", is("REDUCE_MEMORY"))
                .body("next.engineArgs.max_model_len", is(10000))
                .body("next.gpu", is(decision.get("gpu").asText()));
    }

    @Test
    void noGpuLeftSuggestsAQuantizedVariantOrASmallerSibling() throws Exception {
        DecideResponse big = ShippedPolicy.decide("Qwen/Qwen2.5-72B-Instruct");
        ObjectNode d = (ObjectNode) JSON.valueToTree(big);
        d.set("fallbacks", JSON.createArrayNode());
        ObjectNode req = JSON.createObjectNode().put("error", "Segmentation fault").put("attempt", 3);
        req.set("decision", d);
        JsonNode r = JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).post("/v1/oom").asString());
        assertEquals("ALTERNATIVE_MODEL", r.get("action").asText(), r.toPrettyString());
        List<String> models = new ArrayList<>();
        r.get("alternatives").forEach(a -> models.add(a.get("model").asText()));
        assertEquals("Qwen/Qwen2.5-72B-Instruct-AWQ", models.get(0), "the same model pre-quantized first: " + models);
        assertTrue(models.contains("Qwen/Qwen2.5-32B-Instruct"), models.toString());
        assertFalse(models.contains("Qwen/Qwen2.5-72B-Instruct"), "never the model that failed: " + models);
        assertEquals("Qwen/Qwen2.5-72B-Instruct-AWQ", r.at("/next/model").asText());
        assertEquals(big.contextTarget(), r.at("/next/contextTarget").asInt(), "the request's context is kept");
    }

    @Test
    void alternativesArePublishedModelsThatNeedLessMemoryNeverTheOneThatFailed() throws Exception {
        java.util.Set<String> published = new java.util.HashSet<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("rules/catalog/repos.csv"))) {
            if (!line.startsWith("#") && !line.startsWith("repo,") && !line.isBlank()) {
                published.add(line.substring(0, line.indexOf(',')));
            }
        }
        for (String model : List.of("meta-llama/Llama-4-Maverick-17B-128E-Instruct", "meta-llama/Llama-3.1-70B-Instruct",
                "Qwen/Qwen3-235B-A22B")) {
            DecideResponse failed = ShippedPolicy.decide(new dev.gpuconfig.decide.DecideRequest(model, 16384, null, null, null, null));
            ObjectNode d = (ObjectNode) JSON.valueToTree(failed);
            d.set("fallbacks", JSON.createArrayNode());
            ObjectNode req = JSON.createObjectNode().put("error", "Segmentation fault").put("attempt", 3);
            req.set("decision", d);
            JsonNode r = JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).post("/v1/oom").asString());
            assertEquals("ALTERNATIVE_MODEL", r.get("action").asText(), model + ": " + r.toPrettyString());
            for (JsonNode a : r.get("alternatives")) {
                String alt = a.get("model").asText();
                assertTrue(published.contains(alt), model + " -> " + alt + " is no published repository of the catalog");
                assertFalse(alt.equalsIgnoreCase(model), model + ": the model that failed was proposed");
            }
            DecideResponse next = JSON.treeToValue(r.get("next"), DecideResponse.class);
            FitInvariants.check(next, ShippedPolicy.get().gpus(), ShippedPolicy.get().settings());
            assertTrue(next.profile().weightsGiB() < failed.profile().weightsGiB(), model + " -> " + next.model() + " needs no less memory");
            assertEquals(16384, next.contextTarget(), model + ": the request's context length is kept");
        }
    }

    @Test
    void badRecoveryRequestsAre400() {
        for (String body : List.of("{}", "[]", "{\"decision\": 1, \"error\": \"x\"}", "{\"decision\": {}, \"error\": \"x\"}",
                "{\"decision\": {\"model\": \"microsoft/phi-2\", \"gpu\": \"H100\", \"gpuCount\": 1, \"memoryUtilization\": 0.9,"
                        + " \"engineArgs\": {\"max_model_len\": 2048}}, \"error\": 5}",
                "{\"decision\": {\"model\": \"microsoft/phi-2\", \"gpu\": \"X1\", \"gpuCount\": 1, \"memoryUtilization\": 0.9,"
                        + " \"engineArgs\": {\"max_model_len\": 2048}}, \"error\": \"oom\"}",
                "{\"decision\": {\"model\": \"microsoft/phi-2\", \"gpu\": \"H100\", \"gpuCount\": 1, \"memoryUtilization\": 0.9,"
                        + " \"engineArgs\": {\"max_model_len\": 2048}}, \"error\": \"oom\", \"attempt\": 0}",
                "not json")) {
            GpuConfigResourceTest.problem(given().contentType(ContentType.JSON).body(body).when().post("/v1/oom"), 400);
        }
    }

    @Test
    void diagnosticsAcceptAHealthyDevice() throws Exception {
        JsonNode d = JSON.readTree(given().queryParam("model", "Qwen/Qwen2.5-7B-Instruct").get("/v1/gpu-config").asString());
        ObjectNode req = JSON.createObjectNode();
        req.set("decision", d);
        req.set("device", JSON.createObjectNode().put("name", "NVIDIA L4").put("totalMiB", 23034).put("freeMiB", 22700)
                .put("driver", "550.54").put("cuda", "12.4"));
        given().contentType(ContentType.JSON).body(req.toString()).when().post("/v1/diagnostics").then().statusCode(200)
                .body("ok", is(true))
                .body("memoryUtilization", is((float) d.get("memoryUtilization").asDouble()))
                .body("summary", notNullValue());
    }

    @Test
    void diagnosticsLowerUtilizationWhenMemoryIsTaken() throws Exception {
        JsonNode d = JSON.readTree(given().queryParam("model", "Qwen/Qwen2.5-0.5B-Instruct").get("/v1/gpu-config").asString());
        assertEquals("T4", d.get("gpu").asText());
        ObjectNode req = JSON.createObjectNode();
        req.set("decision", d);
        req.set("device", JSON.createObjectNode().put("name", "Tesla T4").put("totalMiB", 15360).put("freeMiB", 12000));
        JsonNode r = JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).post("/v1/diagnostics").asString());
        assertTrue(r.get("ok").asBoolean(), r.toPrettyString());
        assertTrue(r.get("memoryUtilization").asDouble() * 15360 <= 12000, "vLLM needs free >= utilization x total");
        assertFalse(r.get("warnings").isEmpty());
    }

    @Test
    void diagnosticsRefuseADeviceThatCannotHoldTheModel() throws Exception {
        JsonNode d = JSON.readTree(given().queryParam("model", "meta-llama/Llama-3.1-8B-Instruct").get("/v1/gpu-config").asString());
        ObjectNode req = JSON.createObjectNode();
        req.set("decision", d);
        req.set("device", JSON.createObjectNode().put("name", "NVIDIA A10G").put("totalMiB", 23028).put("freeMiB", 9000));
        given().contentType(ContentType.JSON).body(req.toString()).when().post("/v1/diagnostics").then().statusCode(200)
                .body("ok", is(false))
                .body("warnings.code", hasItem("FREE_MEMORY_INSUFFICIENT"))
                .body("warnings.code", hasItem("GPU_MISMATCH"));
    }

    @Test
    void badDiagnosticsRequestsAre400() {
        for (String body : List.of("{}", "{\"decision\": {}}", "{\"decision\": {\"gpu\": \"L4\"}, \"device\": {}}",
                "{\"decision\": {\"gpu\": \"L4\", \"memoryUtilization\": 0.9, \"memory\": {\"weightsGiB\": 1, \"overheadGiB\": 1,"
                        + " \"kvBytesPerTokenPerGpu\": 1}}, \"device\": {\"name\": \"NVIDIA L4\", \"totalMiB\": 100, \"freeMiB\": 200}}")) {
            GpuConfigResourceTest.problem(given().contentType(ContentType.JSON).body(body).when().post("/v1/diagnostics"), 400);
        }
    }
}
