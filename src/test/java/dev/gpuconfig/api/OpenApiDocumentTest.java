package dev.gpuconfig.api;

import dev.gpuconfig.modelid.Quantization;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document clients generate code from: every endpoint of the contract, ids unique. */
@QuarkusTest
class OpenApiDocumentTest {

    @Test
    void documentsTheContractsEndpoints() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/gpu-config'.get", notNullValue())
                .body("paths.'/v1/gpu-config'.post", notNullValue())
                .body("paths.'/v1/gpu-config/batch'.post", notNullValue())
                .body("paths.'/v1/oom'.post", notNullValue())
                .body("paths.'/v1/rules'.get", notNullValue());
    }

    @Test
    void theDecideAnswersAndBodiesHaveTheirSchemasNotBinary() {
        // the endpoints write JSON bytes and read a JsonNode: without annotations the document
        // would say "binary" and "JsonNode", useless to a client that generates code from it
        String decideResponse = "#/components/schemas/DecideResponse";
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/gpu-config'.post.responses.'200'.content.'application/json'.schema.'$ref'", is(decideResponse))
                .body("paths.'/v1/gpu-config'.get.responses.'200'.content.'application/json'.schema.'$ref'", is(decideResponse))
                .body("paths.'/v1/gpu-config/batch'.post.responses.'200'.content.'application/json'.schema.type", is("array"))
                .body("paths.'/v1/gpu-config/batch'.post.responses.'200'.content.'application/json'.schema.items.'$ref'",
                        is(decideResponse))
                .body("paths.'/v1/gpu-config'.post.requestBody.content.'application/json'.schema.'$ref'",
                        is("#/components/schemas/DecideRequest"))
                .body("paths.'/v1/gpu-config/batch'.post.requestBody.content.'application/json'.schema.items.'$ref'",
                        is("#/components/schemas/DecideRequest"))
                .body("paths.'/v1/oom'.post.requestBody.content.'application/json'.schema.'$ref'",
                        is("#/components/schemas/OomRequest"))
                .body("paths.'/v1/diagnostics'.post.requestBody.content.'application/json'.schema.'$ref'",
                        is("#/components/schemas/DiagnosticsRequest"))
                // answered through a CompletionStage: the document still names what the stage holds
                .body("paths.'/v1/oom'.post.responses.'200'.content.'application/json'.schema.'$ref'",
                        is("#/components/schemas/OomResponse"))
                .body("paths.'/v1/diagnostics'.post.responses.'200'.content.'application/json'.schema.'$ref'",
                        is("#/components/schemas/Report"))
                .body("components.schemas.DecideRequest.required", contains("model"))
                .body("components.schemas.DecideRequest.properties.keySet()",
                        containsInAnyOrder("model", "contextLength", "paramsBillions", "quantization", "sharded", "gpu",
                                "config", "weightsBytes"));
    }

    @Test
    void theDocumentedQuantizationsAreTheOnesTheServiceReads() {
        List<String> documented = given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .extract().jsonPath().getList("components.schemas.DecideRequest.properties.quantization.enum", String.class);
        assertEquals(List.of(Quantization.wireNames().split("\\|")), documented);
    }

    @Test
    void everyV1ErrorIsAProblemObject() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json")
                .when().get("/q/openapi").then().statusCode(200).extract().jsonPath().getMap("paths");
        int operations = 0;
        for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
            if (!path.getKey().startsWith("/v1/")) {
                continue;
            }
            for (Object op : path.getValue().values()) {
                if (op instanceof Map<?, ?> operation && operation.get("responses") instanceof Map<?, ?> responses) {
                    operations++;
                    assertEquals("#/components/schemas/Problem", problemSchema(responses.get("default")),
                            path.getKey() + ": the default response");
                    if (responses.containsKey("400")) {
                        assertEquals("#/components/schemas/Problem", problemSchema(responses.get("400")), path.getKey() + ": 400");
                    }
                }
            }
        }
        assertTrue(operations >= 8, "operations under /v1: " + operations);
        given().queryParam("format", "json").when().get("/q/openapi").then()
                .body("components.schemas.Problem.required", containsInAnyOrder("type", "title", "status", "detail"));
    }

    private static Object problemSchema(Object response) {
        if (response instanceof Map<?, ?> r && r.get("content") instanceof Map<?, ?> content
                && content.get("application/problem+json") instanceof Map<?, ?> media && media.get("schema") instanceof Map<?, ?> schema) {
            return schema.get("$ref");
        }
        return null;
    }

    @Test
    void operationIdsAreUnique() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json")
                .when().get("/q/openapi").then().statusCode(200).extract().jsonPath().getMap("paths");
        List<Object> ids = new ArrayList<>();
        // A path item holds its operations by HTTP method, beside shared entries such as parameters.
        paths.values().forEach(item -> item.values().forEach(op -> {
            if (op instanceof Map<?, ?> operation) {
                ids.add(operation.get("operationId"));
            }
        }));
        assertTrue(ids.size() >= 5, "operations found: " + ids);
        assertEquals(ids.size(), new HashSet<>(ids).size(), "operation ids must be unique: " + ids);
    }
}
