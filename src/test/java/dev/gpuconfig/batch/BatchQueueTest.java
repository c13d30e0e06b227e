package dev.gpuconfig.batch;

import dev.gpuconfig.decide.DecisionWorkers;
import dev.gpuconfig.decide.HeldDecisionThreads;
import dev.gpuconfig.decide.ScrapedMetrics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over real HTTP, with room for 150 batch items: while a batch of 100 is being answered, a second
 * one waits and, past the wait, gets a 503 problem with Retry-After; single decisions and the first
 * batch are unaffected, and the second batch is answered once there is room.
 */
@QuarkusTest
@TestProfile(BatchQueueTest.SmallQueue.class)
class BatchQueueTest {
    public static class SmallQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gpu.batch.items-in-flight", "150", "gpu.batch.items-waiting", "200", "gpu.batch.wait-ms", "2000");
        }
    }

    @Inject
    DecisionWorkers workers;
    @Inject
    BatchAdmission admission;

    @Test
    void aBatchWithoutRoomIsAnswered503WithRetryAfterAndTheOthersAreServed() throws Exception {
        double refusedBefore = metric("gpu_batch_refused_total");
        for (int i = 0; i < 2; i++) { // a remembered single decision, kept from the second asking
            given().queryParam("model", "microsoft/phi-2").when().get("/v1/gpu-config").then().statusCode(200);
        }
        CountDownLatch release = HeldDecisionThreads.hold(workers); // the first batch stays in flight
        CompletableFuture<Response> first;
        try {
            first = CompletableFuture.supplyAsync(() -> batch(30_000));
            // until the first batch is admitted; it then waits for the decision threads
            waitUntil(() -> admission.available() != 150, "the first batch was not admitted");
            assertEquals(50, admission.available(), "the first batch holds its 100 items");
            Response second = batch(31_000);
            second.then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", "1")
                    .body("status", is(503))
                    .body("title", is("Too many batch items in flight"))
                    .body("detail", containsString("150 batch items at once"));
            given().queryParam("model", "microsoft/phi-2").when().get("/v1/gpu-config").then().statusCode(200);
        } finally {
            release.countDown();
        }
        Response answered = first.get(30, TimeUnit.SECONDS);
        answered.then().statusCode(200).body("size()", is(100)).body("[99].contextTarget", is(30_099));
        Response again = batch(31_000);
        again.then().statusCode(200).body("size()", is(100));
        assertEquals(31_000, again.jsonPath().getInt("[0].contextTarget"));
        assertEquals(refusedBefore + 1, metric("gpu_batch_refused_total"), 0.0);
        assertEquals(0.0, metric("gpu_batch_items_in_flight"), 0.0);
    }

    private static double metric(String name) {
        return ScrapedMetrics.required(name + " ");
    }

    @Test
    void whenTheQueueIsFullABatchIsRefusedBeforeItsBodyIsRead() throws Exception {
        CountDownLatch release = HeldDecisionThreads.hold(workers); // the first batch stays in flight
        java.util.List<CompletableFuture<Response>> batches = new java.util.ArrayList<>();
        try {
            fillTheQueue(14_000, batches);
            try (java.net.Socket s = new java.net.Socket(batchUrl.getHost(), batchUrl.getPort())) {
                s.setSoTimeout(10_000);
                // a body announced but not sent: the answer comes without it
                s.getOutputStream().write(("POST /v1/gpu-config/batch HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 70000\r\n\r\n[{\"model\"")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                StringBuilder answer = new StringBuilder();
                byte[] buffer = new byte[1024];
                int n;
                while (!answer.toString().endsWith("}") && (n = s.getInputStream().read(buffer)) > 0) {
                    answer.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
                assertTrue(answer.toString().startsWith("HTTP/1.1 503"), answer.toString());
                assertTrue(answer.toString().contains("Retry-After: 1") && answer.toString().contains("Too many batches waiting"),
                        answer.toString());
            }
        } finally {
            release.countDown();
        }
        for (CompletableFuture<Response> b : batches) {
            b.get(30, TimeUnit.SECONDS); // each answered, whatever its wait made of it
        }
        waitForRoom(150);
        assertEquals(150, admission.available());
        assertEquals(0, admission.itemsWaiting());
        // and the gate is open again
        batch(14_300).then().statusCode(200).body("size()", is(100));
    }

    @Test
    void thePythonClientWaitsOutA503AndRetriesItsBatch() throws Exception {
        double refusedBefore = metric("gpu_batch_refused_total");
        CountDownLatch release = HeldDecisionThreads.hold(workers); // the first batch stays in flight
        java.util.List<CompletableFuture<Response>> batches = new java.util.ArrayList<>();
        Process python;
        try {
            fillTheQueue(15_000, batches);
            // the queue is full: the client's first try is refused
            String url = batchUrl.toString().replace("/v1/gpu-config/batch", "");
            python = new ProcessBuilder("python3", "-c", String.join("\n",
                    "import sys, time",
                    "sys.path.insert(0, 'src/main/python')",
                    "from gpu_config_client import GpuConfigClient",
                    "start = time.time()",
                    "answers = GpuConfigClient(sys.argv[1], timeout=30).decide_batch(['Qwen/Qwen2.5-7B-Instruct'])",
                    "print('answered', len(answers), answers[0]['gpu'], 'after %.1f s' % (time.time() - start))"), url)
                    .redirectErrorStream(true).start();
            waitUntil(() -> metric("gpu_batch_refused_total") > refusedBefore, "the client's batch was not refused");
        } finally {
            release.countDown();
        }
        assertTrue(python.waitFor(60, TimeUnit.SECONDS), "the client did not finish");
        String out = new String(python.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, python.exitValue(), out);
        java.util.regex.Matcher answered = java.util.regex.Pattern.compile("answered 1 \\S+ after ([0-9.]+) s").matcher(out);
        assertTrue(answered.find(), out);
        assertTrue(Double.parseDouble(answered.group(1)) >= 1.0, "the client did not wait the Retry-After second: " + out);
        for (CompletableFuture<Response> b : batches) {
            b.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBatchWhoseClientLeftWhileItWaitedIsNotAnswered() throws Exception {
        CountDownLatch release = HeldDecisionThreads.hold(workers); // the first batch stays in flight
        CompletableFuture<Response> first;
        double decidedBefore = decisionsCounted();
        try {
            first = CompletableFuture.supplyAsync(() -> batch(12_000));
            waitUntil(() -> admission.available() == 50, "the first batch was not admitted");
            try (java.net.Socket s = new java.net.Socket(batchUrl.getHost(), batchUrl.getPort())) {
                post(s, thousandItems(13_000));
                waitUntil(() -> admission.itemsWaiting() > 0, "the second batch did not wait");
            } // and its client leaves
            Thread.sleep(100);
        } finally {
            release.countDown();
        }
        first.get(30, TimeUnit.SECONDS).then().statusCode(200).body("size()", is(100));
        waitForRoom(150);
        assertEquals(150, admission.available());
        assertEquals(0, admission.itemsWaiting());
        // only the first batch's 100 new requests were decided: nobody was left to read the second's
        assertEquals(decidedBefore + 100, decisionsCounted(), 0.0);
    }

    private static double decisionsCounted() {
        return ScrapedMetrics.sum("gpu_decisions_total{");
    }

    /**
     * Three batches of 100 new requests, from {@code firstContext} on, added to {@code batches}:
     * the first admitted (held in flight while the decision threads are), the other two waiting,
     * which fills the queue of 200 items.
     */
    private void fillTheQueue(int firstContext, java.util.List<CompletableFuture<Response>> batches) throws InterruptedException {
        batches.add(CompletableFuture.supplyAsync(() -> batch(firstContext)));
        waitUntil(() -> admission.available() == 50, "the first batch was not admitted");
        batches.add(CompletableFuture.supplyAsync(() -> batch(firstContext + 100)));
        batches.add(CompletableFuture.supplyAsync(() -> batch(firstContext + 200)));
        waitUntil(() -> admission.itemsWaiting() == 200, "two batches did not wait");
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), failure);
    }

    @Test
    void theRoomIsGivenBackWhenAClientLeavesBeforeItsAnswerIsWritten() throws Exception {
        byte[] body = thousandItems(20_000);
        for (int round = 0; round < 3; round++) {
            try (java.net.Socket s = new java.net.Socket(batchUrl.getHost(), batchUrl.getPort())) {
                post(s, body);
                assertTrue(s.getInputStream().read(new byte[16]) > 0, "the answer started"); // then leave
            }
        }
        waitForRoom(150);
        assertEquals(150, admission.available(), "room still held by batches whose clients left");
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("gpu_batch_items_in_flight 0.0"));
    }

    @Test
    void aBatchKeepsItsRoomUntilItsAnswerHasLeftNotOnlyUntilItIsHandedToTheConnection() throws Exception {
        byte[] body = items(500, 8_000); // each fallback carries its own arguments: about 5.5 KB an answer
        int before = batchesCounted();
        try (java.net.Socket s = new java.net.Socket()) {
            s.setReceiveBufferSize(4096); // a client that reads nothing for now
            s.connect(new java.net.InetSocketAddress(batchUrl.getHost(), batchUrl.getPort()));
            // two batches in a row on one connection, 2.7 MB of answer each: the kernel's socket
            // buffers (at most 4 MB by Linux's default tcp_wmem) take the first, and part of the
            // second stays in the server until the client reads
            for (int i = 0; i < 2; i++) {
                post(s, body);
            }
            // the server counts a request when it hands the answer to the connection
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (batchesCounted() < before + 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(batchesCounted() >= before + 2, "the two batches were not answered");
            Thread.sleep(300);
            assertEquals(0, admission.available(), "the room was given back before the answer left");
            // now read the two answers: the room comes back
            java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 65_536);
            for (int i = 0; i < 2; i++) {
                assertTrue(readAnswer(in) > 2_500_000, "answer " + (i + 1) + " was cut short");
            }
            waitForRoom(150);
            assertEquals(150, admission.available(), "the room was not given back once the answers had left");
        }
    }

    /** Reads one HTTP/1.1 answer of a known length; returns its body's length. */
    private static long readAnswer(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.EOFException("the connection closed inside an answer's head: " + head);
            }
            head.append((char) c);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        assertTrue(length.find(), "no content-length: " + head);
        long size = Long.parseLong(length.group(1));
        long left = size;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new java.io.EOFException(left + " bytes of the answer missing");
                }
                skipped = 1;
            }
            left -= skipped;
        }
        return size;
    }

    private static void post(java.net.Socket s, byte[] body) throws java.io.IOException {
        s.getOutputStream().write(("POST /v1/gpu-config/batch HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        s.getOutputStream().flush();
    }

    private static int batchesCounted() {
        return (int) ScrapedMetrics.sum("http_server_requests_seconds_count{", "uri=\"/v1/gpu-config/batch\"", "status=\"200\"");
    }

    private void waitForRoom(int items) throws InterruptedException {
        waitUntil(() -> admission.available() >= items, "the room for " + items + " items did not come back");
    }

    private static byte[] thousandItems(int firstContext) {
        return items(1000, firstContext);
    }

    private static byte[] items(int count, int firstContext) {
        StringJoiner items = new StringJoiner(",", "[", "]");
        for (int i = 0; i < count; i++) {
            items.add("{\"model\": \"Qwen/Qwen2.5-7B-Instruct\", \"contextLength\": " + (firstContext + i % 7) + "}");
        }
        return items.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @io.quarkus.test.common.http.TestHTTPResource("/v1/gpu-config/batch")
    java.net.URL batchUrl;

    /** 100 requests the service has not answered before: each has its own context length. */
    private static Response batch(int firstContext) {
        StringJoiner items = new StringJoiner(",", "[", "]");
        for (int i = 0; i < 100; i++) {
            items.add("{\"model\": \"Qwen/Qwen2.5-7B-Instruct\", \"contextLength\": " + (firstContext + i) + "}");
        }
        return given().contentType("application/json").body(items.toString()).when().post("/v1/gpu-config/batch");
    }
}
