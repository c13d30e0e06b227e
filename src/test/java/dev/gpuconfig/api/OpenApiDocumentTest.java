package dev.gpuconfig.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
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
