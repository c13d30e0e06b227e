package dev.gpuconfig.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the Python client's check scripts (src/test/python) with python3 against this running test server. */
@QuarkusTest
class PythonClientTest {
    /** Reports stored here must not steer the decisions of later tests. */
    @org.junit.jupiter.api.AfterEach
    void forgetReportedFailures() {
        dev.gpuconfig.store.Forget.everything();
    }


    @TestHTTPResource("/")
    URL base;

    @Test
    void clientWorksAgainstTheService() throws IOException, InterruptedException {
        run("check_client.py", Map.of("CHECK_OOM", "1"));
    }

    /** Hub ids and local folders: config.json and weight bytes, from a fake Hub the script serves itself. */
    @Test
    void theClientFindsConfigsAndWeightBytesByItself() throws IOException, InterruptedException {
        run("check_hub.py", Map.of());
    }

    private void run(String script, Map<String, String> env) throws IOException, InterruptedException {
        String url = base.toString().replaceAll("/$", "");
        ProcessBuilder pb = new ProcessBuilder("python3", "src/test/python/" + script, url).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().remove("GPU_CONFIG_URL");
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, script + " did not finish in 120 s:\n" + out);
        assertEquals(0, p.exitValue(), script + " failed:\n" + out);
        assertTrue(out.contains(" passed, 0 failed"), out);
    }
}
