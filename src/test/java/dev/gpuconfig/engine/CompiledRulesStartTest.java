package dev.gpuconfig.engine;

import dev.gpuconfig.reload.LoadAttempt;

import dev.gpuconfig.decide.PolicyTestRunner;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * The service started on a folder whose rules an earlier run kept compiled: it reads them instead
 * of compiling, says so in GET /v1/rules, and serves from them.
 */
@QuarkusTest
@TestProfile(CompiledRulesStartTest.KeptBefore.class)
class CompiledRulesStartTest {
    static final Path DIR = RulesCopy.create();
    static final Path CACHE = keptBefore(DIR);

    /** What an earlier run of this build left: the folder compiled, tested and kept. */
    private static Path keptBefore(Path rules) {
        try {
            Path cache = RulesCopy.tempDir("compiled");
            RuleSetBuilder.Result r = new RuleSetBuilder(2, new PolicyTestRunner()).build(RuleFolder.read(rules));
            new CompiledRules(cache).keep(r.ruleSet());
            r.discard();
            return cache;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class KeptBefore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gpu.rules.dir", DIR.toString(), "gpu.rules.cache", "true",
                    "gpu.rules.cache-dir", CACHE.toString(), "gpu.rules.warmup-builds", "0");
        }
    }

    @Test
    void theStartReadsTheKeptRulesAndServesFromThem() {
        given().when().get("/v1/rules").then().statusCode(200)
                .body("lastAttempt.result", equalTo(LoadAttempt.ACTIVATED))
                .body("lastAttempt.trigger", equalTo("startup"))
                .body("lastAttempt.phasesMs.cache", notNullValue())
                .body("lastAttempt.phasesMs.tests", notNullValue())
                .body("lastAttempt.phasesMs.compile", nullValue())
                .body("active.version", equalTo(RuleFolder.read(DIR).version()));
        given().when().get("/v1/gpu-config?model=Qwen/Qwen2.5-0.5B-Instruct").then().statusCode(200)
                .body("gpu", equalTo("T4"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
