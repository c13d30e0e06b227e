package dev.gpuconfig.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decide endpoints over real HTTP, on the shipped rules, with every field name of docs/api.md. */
@QuarkusTest
class GpuConfigResourceTest {

    @Test
    void postAnswersWithEveryContractField() {
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"meta-llama/Llama-3.1-70B-Instruct-AWQ\", \"contextLength\": 32768, \"sharded\": true}")
                .when().post("/v1/gpu-config")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("model", is("meta-llama/Llama-3.1-70B-Instruct-AWQ"))
                .body("gpu", oneOf("T4", "L4", "A10G", "L40S", "A100-40GB", "A100-80GB", "H100", "H200", "B200"))
                .body("gpuCount", greaterThanOrEqualTo(1))
                .body("memoryUtilization", lessThanOrEqualTo(0.92f))
                .body("modalFunction", startsWith("run_chat_"))
                .body("engineArgs.gpu_memory_utilization", notNullValue())
                .body("engineArgs.tensor_parallel_size", notNullValue())
                .body("engineArgs.max_model_len", greaterThanOrEqualTo(32768))
                .body("engineArgs.dtype", notNullValue())
                .body("engineArgs.quantization", is("awq"))
                .body("engineArgs.kv_cache_dtype", notNullValue())
                .body("engineArgs.enable_chunked_prefill", is(true))
                .body("engineArgs.enable_prefix_caching", is(true))
                .body("engineArgs.block_size", is(16))
                .body("env.PYTORCH_CUDA_ALLOC_CONF", is("max_split_size_mb:128"))
                .body("profile.family", is("llama-3.1"))
                .body("profile.totalParamsBillions", is(70.55f))
                .body("profile", hasKey("activeParamsBillions"))
                .body("profile.quantization", is("awq"))
                .body("profile.moe", is(false))
                .body("profile.gguf", is(false))
                .body("profile.sharded", is(true))
                .body("profile.sizeSource", is("catalog"))
                .body("profile.weightsGiB", greaterThan(30f))
                .body("profile.kvBytesPerToken", is(327680))
                .body("profile.nativeContextLength", is(131072))
                .body("memory.gpuTotalGiB", notNullValue())
                .body("memory.budgetGiB", notNullValue())
                .body("memory.weightsGiB", notNullValue())
                .body("memory.overheadGiB", notNullValue())
                .body("memory.kvCacheGiB", notNullValue())
                .body("memory.maxTokensInKvCache", greaterThanOrEqualTo(32768))
                .body("fallbacks.gpu", everyItem(notNullValue()))
                .body("fallbacks.gpuCount", everyItem(greaterThanOrEqualTo(1)))
                .body("fallbacks.memoryUtilization", everyItem(notNullValue()))
                .body("warnings.code", hasItem("SHARDED_SLOW_LOAD"))
                .body("firedRules", hasItem("size band: xlarge"))
                .body("rulesVersion", startsWith("sha256:"));
    }

    @Test
    void getTakesTheSameInputAsQueryParameters() {
        given().queryParam("model", "Qwen/Qwen3-30B-A3B-FP8").queryParam("contextLength", 8192)
                .when().get("/v1/gpu-config")
                .then().statusCode(200)
                .body("gpu", is("L40S"))
                .body("profile.moe", is(true))
                .body("profile.activeParamsBillions", is(3.3f))
                .body("engineArgs.max_model_len", greaterThanOrEqualTo(8192));
    }

    @Test
    void batchAnswersInOrderWithProblemsInPlace() {
        given().contentType(ContentType.JSON)
                .body("[{\"model\": \"microsoft/phi-2\"}, {\"model\": \"\"}, {\"model\": \"Qwen/Qwen2.5-7B-Instruct\", \"gpu\": \"NOPE\"},"
                        + " {\"model\": \"openai/gpt-oss-20b\"}, 42]")
                .when().post("/v1/gpu-config/batch")
                .then().statusCode(200)
                .body("$", hasSize(5))
                .body("[0].model", is("microsoft/phi-2"))
                .body("[1].status", is(400))
                .body("[1].title", notNullValue())
                .body("[2].status", is(400))
                .body("[3].model", is("openai/gpt-oss-20b"))
                .body("[4].status", is(400));
    }

    @Test
    void aBatchOfNewRequestsEvaluatedSideBySideKeepsItsOrder() {
        // every item is new to the rule set (its own context length), so each is evaluated on a
        // decision thread; the answers still come back in the order asked, problems in place
        String[] ids = {"meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B-FP8", "mistralai/Mixtral-8x7B-Instruct-v0.1"};
        int noFit = 17;
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 60; i++) {
            body.append(i == 0 ? "" : ",").append(i == noFit ? "{\"model\": \"x/huge\", \"paramsBillions\": 9000}"
                    : "{\"model\": \"" + ids[i % ids.length] + "\", \"contextLength\": " + (4099 + 7 * i) + "}");
        }
        io.restassured.path.json.JsonPath answers = given().contentType(ContentType.JSON).body(body.append("]").toString())
                .when().post("/v1/gpu-config/batch").then().statusCode(200).body("$", hasSize(60)).extract().jsonPath();
        for (int i = 0; i < 60; i++) {
            if (i == noFit) {
                assertEquals(422, answers.getInt("[" + i + "].status"), "item " + i);
            } else {
                assertEquals(ids[i % ids.length], answers.getString("[" + i + "].model"), "item " + i);
                assertEquals(4099 + 7 * i, answers.getInt("[" + i + "].contextTarget"), "item " + i);
            }
        }
    }

    @Test
    void aBatchItemIsTheSameAnswerAsTheSingleRequest() {
        // single and batch answers share one memo per rule set: in either order, the same bytes
        String single = given().queryParam("model", "google/gemma-2-9b-it").when().get("/v1/gpu-config")
                .then().statusCode(200).extract().asString();
        String batch = given().contentType(ContentType.JSON)
                .body("[{\"model\": \"google/gemma-2-9b-it\"}, {\"model\": \"mistralai/Mistral-7B-Instruct-v0.3\"}]")
                .when().post("/v1/gpu-config/batch").then().statusCode(200).extract().asString();
        String later = given().contentType(ContentType.JSON).body("{\"model\": \"mistralai/Mistral-7B-Instruct-v0.3\"}")
                .when().post("/v1/gpu-config").then().statusCode(200).extract().asString();
        assertEquals("[" + single + "," + later + "]", batch);
    }

    @Test
    void batchOfOneAndEmptyBatchAreArrays() {
        given().contentType(ContentType.JSON).body("[]").when().post("/v1/gpu-config/batch")
                .then().statusCode(200).body(is("[]"));
        given().contentType(ContentType.JSON).body("[{\"model\": \"microsoft/phi-2\"}]").when().post("/v1/gpu-config/batch")
                .then().statusCode(200).body("$", hasSize(1)).body("[0].model", is("microsoft/phi-2"));
    }

    @Test
    void batchOfMoreThanAThousandIsRefused() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"model\":\"microsoft/phi-2\"}");
        }
        problem(given().contentType(ContentType.JSON).body(sb.append("]").toString()).when().post("/v1/gpu-config/batch"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[", "[{\"model\": \"microsoft/phi-2\"}", "[{\"model\": }]", "[1,]", "null", "42"})
    void aBatchBodyThatIsNotAJsonArrayIsA400ProblemNamingWhy(String body) {
        var r = given().contentType(ContentType.JSON).body(body).when().post("/v1/gpu-config/batch");
        problem(r, 400);
        String detail = r.jsonPath().getString("detail");
        assertTrue(detail.startsWith("the body is not valid JSON") || detail.startsWith("the batch body must be a JSON array"), detail);
    }

    @Test
    void batchMustBeAnArray() {
        problem(given().contentType(ContentType.JSON).body("{\"model\":\"microsoft/phi-2\"}").when().post("/v1/gpu-config/batch"), 400);
    }

    @Test
    void gpuCatalog() {
        given().when().get("/v1/gpus").then().statusCode(200)
                .body("$", hasSize(9))
                .body("name", hasItem("B200"))
                .body("find { it.name == 'H100' }.memoryGiB", is(79.1f))
                .body("find { it.name == 'H100' }.computeCapability", is(9.0f))
                .body("find { it.name == 'T4' }.bf16", is(false))
                .body("find { it.name == 'L4' }.fp8", is(true))
                .body("find { it.name == 'A10G' }.maxPerContainer", is(4))
                .body("find { it.name == 'H200' }.modalFunction", is("run_chat_h200"))
                .body("find { it.name == 'B200' }.pricePerHour", is(6.25f));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"model\": \"\"}",
            "{\"model\": null}",
            "{\"model\": \"   \"}",
            "{\"model\": 123}",
            "{\"model\": [\"a\"]}",
            "{\"model\": \"a/b/c\"}",
            "{\"model\": \"owner/\"}",
            "{\"model\": \"/name\"}",
            "{\"model\": \".hidden/model\"}",
            "{\"model\": \"owner/-dash\"}",
            "{\"model\": \"owner/two..dots\"}",
            "{\"model\": \"owner/sp ace\"}",
            "{\"model\": \"owner/name:\"}",
            "{\"model\": \"owner/na$me\"}",
            "{\"model\": \"owner/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": \"4096\"}",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": 1.5}",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": 0}",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": -1}",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": 99999999999}",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": 1e30}",
            "{\"model\": \"microsoft/phi-2\", \"paramsBillions\": \"7\"}",
            "{\"model\": \"microsoft/phi-2\", \"paramsBillions\": 0}",
            "{\"model\": \"microsoft/phi-2\", \"paramsBillions\": -3}",
            "{\"model\": \"microsoft/phi-2\", \"paramsBillions\": 1e9}",
            "{\"model\": \"microsoft/phi-2\", \"quantization\": \"q4\"}",
            "{\"model\": \"microsoft/phi-2\", \"quantization\": 4}",
            "{\"model\": \"microsoft/phi-2\", \"sharded\": \"yes\"}",
            "{\"model\": \"microsoft/phi-2\", \"sharded\": 1}",
            "{\"model\": \"microsoft/phi-2\", \"gpu\": \"RTX4090\"}",
            "{\"model\": \"microsoft/phi-2\", \"gpu\": \"\"}",
            "{\"model\": \"microsoft/phi-2\", \"gpu\": 100}",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": 8192}",
            "{\"model\": \"microsoft/phi-2\"",
            "{model: phi}",
            "not json",
            "[]",
            "\"microsoft/phi-2\"",
            "null",
            "",
    })
    void badInputIsA400Problem(String body) {
        problem(given().contentType(ContentType.JSON).body(body).when().post("/v1/gpu-config"), 400);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "{\"model\": 123}|model",
            "{\"contextLength\": 4096}|model",
            "{\"model\": \"a/b/c\"}|model",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": \"4096\"}|contextLength",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": 1.5}|contextLength",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": 0}|contextLength",
            "{\"model\": \"microsoft/phi-2\", \"contextLength\": 99999999999}|contextLength",
            "{\"model\": \"microsoft/phi-2\", \"paramsBillions\": 0}|paramsBillions",
            "{\"model\": \"microsoft/phi-2\", \"paramsBillions\": 1e400}|paramsBillions",
            "{\"model\": \"microsoft/phi-2\", \"quantization\": \"q4\"}|quantization",
            "{\"model\": \"microsoft/phi-2\", \"sharded\": 1}|sharded",
            "{\"model\": \"microsoft/phi-2\", \"gpu\": 100}|gpu",
            "{\"model\": \"microsoft/phi-2\", \"gpu\": \"\"}|gpu",
    })
    void aRefusalNamesTheField(String body, String field) {
        var r = given().contentType(ContentType.JSON).body(body).when().post("/v1/gpu-config");
        problem(r, 400);
        String detail = r.jsonPath().getString("detail");
        assertTrue(detail.startsWith(field + " ") || detail.startsWith(field + ":") || detail.contains(" " + field + " ")
                || detail.contains("'" + field + "'") || detail.contains("\"" + field + "\""), body + " -> " + detail);
    }

    @Test
    void badQueryParametersAre400Problems() {
        problem(given().when().get("/v1/gpu-config"), 400);
        problem(given().queryParam("model", "").when().get("/v1/gpu-config"), 400);
        problem(given().queryParam("model", "microsoft/phi-2").queryParam("contextLength", "abc").when().get("/v1/gpu-config"), 400);
        problem(given().queryParam("model", "microsoft/phi-2").queryParam("paramsBillions", "x").when().get("/v1/gpu-config"), 400);
        problem(given().queryParam("model", "microsoft/phi-2").queryParam("sharded", "maybe").when().get("/v1/gpu-config"), 400);
        problem(given().queryParam("model", "microsoft/phi-2").queryParam("quantization", "q3").when().get("/v1/gpu-config"), 400);
        problem(given().queryParam("model", "a/b/c").when().get("/v1/gpu-config"), 400);
    }

    @Test
    void aModelNothingHoldsIsA422Problem() {
        problem(given().contentType(ContentType.JSON).body("{\"model\": \"x/huge\", \"paramsBillions\": 9000}")
                .when().post("/v1/gpu-config"), 422);
    }

    @Test
    void wrongMediaTypeIsAProblemToo() {
        problem(given().contentType(ContentType.TEXT).body("model=phi").when().post("/v1/gpu-config"), 415);
    }

    static io.restassured.response.ValidatableResponse problem(io.restassured.response.Response r, int status) {
        return r.then().statusCode(status)
                .contentType("application/problem+json")
                .body("type", notNullValue())
                .body("title", notNullValue())
                .body("status", is(status))
                .body("detail", notNullValue());
    }
}
