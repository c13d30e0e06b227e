package dev.gpuconfig.api;

import dev.gpuconfig.decide.ScrapedMetrics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static dev.gpuconfig.api.GpuConfigResourceTest.problem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Over HTTP: a model no catalog knows is decided from its config.json and weight bytes, or refused saying what to send. */
@QuarkusTest
class ConfigDecisionsTest {
    /** A private fine-tune of Llama 3.1 8B: the figures of its config.json, its weights' bytes as the index says. */
    static final String CONFIG = """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
             "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
             "max_position_embeddings": 131072, "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
             "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "torch_dtype": "bfloat16",
             "tie_word_embeddings": false}""";
    static final long BYTES = 16_060_522_496L;

    static String body(String model, String config, Long bytes) {
        return "{\"model\": \"" + model + "\"" + (config == null ? "" : ", \"config\": " + config)
                + (bytes == null ? "" : ", \"weightsBytes\": " + bytes) + "}";
    }

    @Test
    void aPrivateFineTuneIsDecidedFromItsConfigAndWeights() {
        var a = given().contentType(ContentType.JSON).body(body("acme/support-bot-v3", CONFIG, BYTES)).when().post("/v1/gpu-config")
                .then().statusCode(200)
                .body("profile.sizeSource", is("config"))
                .body("profile.kvBytesPerToken", is(131072))
                .body("profile.nativeContextLength", is(131072)).extract().jsonPath();
        assertEquals(8.03, a.getDouble("profile.totalParamsBillions"), 0.02);
        assertEquals(BYTES / Math.pow(1024, 3) / a.getInt("gpuCount"), a.getDouble("memory.weightsGiB"), 0.01);
    }

    @Test
    void aRepeatedConfigRequestIsRemembered() {
        String b = body("acme/support-bot-v4", CONFIG, BYTES);
        double evaluated = ScrapedMetrics.sum("gpu_decision_latency_seconds_count", "answer=\"evaluated\"");
        for (int i = 0; i < 4; i++) {
            given().contentType(ContentType.JSON).body(b).when().post("/v1/gpu-config").then().statusCode(200);
        }
        assertEquals(evaluated + 2, ScrapedMetrics.sum("gpu_decision_latency_seconds_count", "answer=\"evaluated\""),
                "kept from the second asking, by the config's content");
    }

    @Test
    void withoutConfigAnUnknownModelIsA422SayingWhatToSend() {
        problem(given().contentType(ContentType.JSON).body(body("acme/support-bot-v3", null, null)).when().post("/v1/gpu-config"), 422)
                .body("title", is("Model size unknown"))
                .body("detail", containsString("weightsBytes"));
    }

    @Test
    void aConfigThatCannotBeReadIsA400NamingTheKey() {
        problem(given().contentType(ContentType.JSON).body(body("acme/x", CONFIG.replace("\"num_hidden_layers\": 32", "\"num_hidden_layers\": \"32\""), null))
                .when().post("/v1/gpu-config"), 400).body("detail", containsString("config.num_hidden_layers"));
        problem(given().contentType(ContentType.JSON).body(body("acme/x", CONFIG.replace("\"hidden_size\": 4096, ", ""), null))
                .when().post("/v1/gpu-config"), 400).body("detail", containsString("config.hidden_size"));
        problem(given().contentType(ContentType.JSON).body(body("acme/x", "[1, 2]", null)).when().post("/v1/gpu-config"), 400);
    }

    @Test
    void aNameThatSaysAnotherSizeGetsAWarningAndTheConfigIsFollowed() {
        var a = given().contentType(ContentType.JSON).body(body("acme/bot-70b", CONFIG, BYTES)).when().post("/v1/gpu-config")
                .then().statusCode(200)
                .body("warnings.code", org.hamcrest.Matchers.hasItem("CONFIG_VS_NAME")).extract().jsonPath();
        assertEquals(8.03, a.getDouble("profile.totalParamsBillions"), 0.02);
    }
}
