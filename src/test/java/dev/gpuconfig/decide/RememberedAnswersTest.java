package dev.gpuconfig.decide;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over real HTTP: an answer the rule set remembers is given on the I/O thread, so it never waits
 * behind evaluations; a request it does not remember waits for a decision thread.
 */
@QuarkusTest
class RememberedAnswersTest {
    @Inject
    DecisionWorkers workers;

    @Test
    void aRememberedAnswerIsGivenWhileEveryDecisionThreadIsBusy() throws Exception {
        String remembered = "microsoft/phi-2";
        for (int i = 0; i < 2; i++) { // kept from the second asking
            given().queryParam("model", remembered).when().get("/v1/gpu-config").then().statusCode(200);
        }
        CountDownLatch release = HeldDecisionThreads.hold(workers);
        CompletableFuture<Integer> fresh;
        try {
            fresh = CompletableFuture.supplyAsync(() -> given().queryParam("model", "Qwen/Qwen2.5-7B-Instruct")
                    .queryParam("contextLength", 12347).when().get("/v1/gpu-config").statusCode());
            given().queryParam("model", remembered).when().get("/v1/gpu-config")
                    .then().statusCode(200).body("model", is(remembered));
            assertFalse(fresh.isDone(), "a request the memo cannot hold was answered with every decision thread busy");
        } finally {
            release.countDown();
        }
        assertEquals(200, fresh.get(30, TimeUnit.SECONDS));
    }
}
