package dev.gpuconfig.store;

import io.restassured.path.json.JsonPath;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;

/**
 * Forgets every failure the service under test stored, through its own API: a test that reports
 * failures calls it after each test, so its reports steer no other test's decisions.
 */
public final class Forget {
    private Forget() {
    }

    public static void everything() {
        Set<String> models = new LinkedHashSet<>();
        String next = "/v1/failures?limit=500";
        while (next != null) {
            JsonPath page = given().when().get(next).then().statusCode(200).extract().jsonPath();
            List<String> names = page.getList("failures.model");
            models.addAll(names);
            next = page.getString("next");
        }
        for (String m : models) {
            given().header("Authorization", "Bearer test-admin-token").queryParam("model", m).when()
                    .delete("/v1/failures").then().statusCode(200);
        }
    }
}
