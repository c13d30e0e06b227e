package dev.gpuconfig.api;

import dev.gpuconfig.decide.ScrapedMetrics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that leaves while it sends its body is what operators see in the HTTP metrics as a
 * reset, once; never as a server error, which would page someone for a failure nobody received.
 */
@QuarkusTest
class AbortedRequestsTest {
    /** Reports stored here must not steer the decisions of later tests. */
    @org.junit.jupiter.api.AfterEach
    void forgetReportedFailures() {
        dev.gpuconfig.store.Forget.everything();
    }

    @TestHTTPResource("/")
    URL server;

    @ParameterizedTest
    @ValueSource(strings = {"/v1/oom", "/v1/diagnostics", "/v1/gpu-config", "/v1/gpu-config/batch"})
    void aClientThatLeavesMidBodyIsCountedOnceAsAResetAndNeverAsAServerError(String path) throws Exception {
        double errorsBefore = count(path, "outcome=\"SERVER_ERROR\"");
        double allBefore = count(path, "");
        double resetsBefore = count(path, "status=\"RESET\"");
        try (Socket s = new Socket(server.getHost(), server.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 500\r\n\r\n{\"model\": ").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200); // the server has the headers and waits for the rest
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while (count(path, "") == allBefore && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        Thread.sleep(500); // a server error, if any, is recorded a few milliseconds after the reset
        assertEquals(errorsBefore, count(path, "outcome=\"SERVER_ERROR\""), "server errors recorded for " + path);
        assertEquals(allBefore + 1, count(path, ""), "requests recorded for " + path);
        assertEquals(resetsBefore + 1, count(path, "status=\"RESET\""), "resets recorded for " + path);
    }

    /** The sum of the HTTP request counters for {@code path} whose labels contain {@code label}. */
    private static double count(String path, String label) {
        return ScrapedMetrics.sum("http_server_requests_seconds_count{", "uri=\"" + path + "\"", label);
    }
}
