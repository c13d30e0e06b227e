package dev.gpuconfig.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the Python client's Hub and local-folder checks (a fake Hub the script serves itself) against this running test server. */
@QuarkusTest
class PythonHubClientTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void theClientFindsConfigsAndWeightBytesByItself() throws IOException, InterruptedException {
        String url = base.toString().replaceAll("/$", "");
        ProcessBuilder pb = new ProcessBuilder("python3", "src/test/python/check_hub.py", url).redirectErrorStream(true);
        pb.environment().remove("GPU_CONFIG_URL");
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "the client checks did not finish in 120 s:\n" + out);
        assertEquals(0, p.exitValue(), "client checks failed:\n" + out);
        assertTrue(out.contains(" passed, 0 failed"), out);
    }
}
