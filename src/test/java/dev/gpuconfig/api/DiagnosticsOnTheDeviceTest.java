package dev.gpuconfig.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.gpuconfig.api.RecoveryResourceTest.JSON;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /v1/diagnostics decides for the GPUs the container got: for a set of models on every GPU type
 * of the catalog at 1, 2, 4 and 8 GPUs, ok only when the model fits there, and then with the
 * arguments to start with on exactly those GPUs.
 */
@QuarkusTest
class DiagnosticsOnTheDeviceTest {
    static final Map<String, String> SMI = Map.of("T4", "Tesla T4", "L4", "NVIDIA L4", "A10G", "NVIDIA A10G", "L40S", "NVIDIA L40S",
            "A100-40GB", "NVIDIA A100-SXM4-40GB", "A100-80GB", "NVIDIA A100-SXM4-80GB", "H100", "NVIDIA H100 80GB HBM3",
            "H200", "NVIDIA H200", "B200", "NVIDIA B200");
    static final String[] MODELS = {"Qwen/Qwen2.5-0.5B-Instruct", "meta-llama/Llama-3.1-8B-Instruct",
            "neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8", "Qwen/Qwen3-30B-A3B-FP8"};

    static JsonNode diagnose(JsonNode decision, String gpu, double totalMiB, double freeMiB, int count) throws Exception {
        ObjectNode req = JSON.createObjectNode();
        req.set("decision", decision);
        req.set("device", JSON.createObjectNode().put("name", SMI.get(gpu)).put("totalMiB", totalMiB).put("freeMiB", freeMiB)
                .put("count", count));
        return JSON.readTree(given().contentType(ContentType.JSON).body(req.toString()).when().post("/v1/diagnostics")
                .then().statusCode(200).extract().asString());
    }

    @Test
    void okOnlyWhereTheModelFitsAndThenWithArgumentsForThoseGpus() throws Exception {
        JsonNode gpus = JSON.readTree(given().when().get("/v1/gpus").asString());
        int oks = 0;
        int refusals = 0;
        for (String model : MODELS) {
            JsonNode d = JSON.readTree(given().queryParam("model", model).when().get("/v1/gpu-config").then().statusCode(200)
                    .extract().asString());
            double weightsGiB = d.path("profile").path("weightsGiB").asDouble();
            for (JsonNode g : gpus) {
                String gpu = g.get("name").asText();
                double memGiB = g.get("memoryGiB").asDouble();
                for (int count : new int[]{1, 2, 4, 8}) {
                    if (count > g.get("maxPerContainer").asInt()) {
                        continue;
                    }
                    double total = memGiB * 1024;
                    JsonNode r = diagnose(d, gpu, total, total * 0.99, count);
                    String what = model + " on " + count + " x " + gpu + ": " + r.get("summary").asText();
                    boolean policyHere = gpu.equals(d.get("gpu").asText()) && count == d.get("gpuCount").asInt();
                    if (weightsGiB / count > memGiB * 0.95) {
                        assertFalse(r.get("ok").asBoolean(), "the weights alone do not fit: " + what);
                    }
                    if (policyHere) {
                        assertTrue(r.get("ok").asBoolean(), "the policy's own choice must run: " + what);
                    }
                    if (r.get("ok").asBoolean()) {
                        oks++;
                        JsonNode args = r.get("engineArgs");
                        assertEquals(count, args.get("tensor_parallel_size").asInt(), what);
                        assertEquals(gpu, r.get("gpu").asText(), what);
                        assertTrue(args.get("gpu_memory_utilization").asDouble() * total <= total * 0.99, what);
                        assertTrue(args.get("max_model_len").asInt() >= d.get("contextTarget").asInt(), what);
                        assertNotNull(r.get("env"), what);
                        if (g.get("computeCapability").asDouble() < 8.0) {
                            assertEquals("half", args.get("dtype").asText(), what);
                        }
                        assertNull(r.get("smallestFit").isNull() ? null : r.get("smallestFit"), what);
                    } else {
                        refusals++;
                        assertEquals(d.get("gpu").asText(), r.get("smallestFit").get("gpu").asText(), what);
                        assertTrue(r.get("engineArgs").isNull(), what);
                    }
                }
            }
        }
        assertTrue(oks > 20 && refusals > 20, oks + " ok, " + refusals + " refused");
    }

    @Test
    void theH200DecisionOfA70bFp8ModelIsRefusedOnASingleL4AndL40sAndFitsOnTwoL40s() throws Exception {
        JsonNode d = JSON.readTree(given().queryParam("model", "neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8")
                .queryParam("contextLength", 131072).when().get("/v1/gpu-config").then().statusCode(200).extract().asString());
        assertFalse(diagnose(d, "L4", 23034, 22800, 1).get("ok").asBoolean());
        JsonNode oneL40s = diagnose(d, "L40S", 46068, 45600, 1);
        assertFalse(oneL40s.get("ok").asBoolean(), oneL40s.toString());
        assertTrue(oneL40s.get("warnings").toString().contains("DEVICE_TOO_SMALL"), oneL40s.toString());
        JsonNode twoA100 = diagnose(d, "A100-80GB", 81920, 81000, 2);
        assertTrue(twoA100.get("ok").asBoolean(), twoA100.toString());
        assertEquals(2, twoA100.get("engineArgs").get("tensor_parallel_size").asInt());
        assertTrue(twoA100.get("warnings").toString().contains("GPU_MISMATCH"), twoA100.toString());
    }
}
