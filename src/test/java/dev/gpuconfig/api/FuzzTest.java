package dev.gpuconfig.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 random and mutated requests across every endpoint (bodies, query strings, content
 * types, headers, sizes), from a fixed seed so a failure is reproducible: none may get a 5xx, and
 * afterwards the service is ready and answers a normal decision. A failure lists the requests by
 * their index in the run.
 */
@QuarkusTest
class FuzzTest {
    /** Reports stored here must not steer the decisions of later tests. */
    @org.junit.jupiter.api.AfterEach
    void forgetReportedFailures() {
        dev.gpuconfig.store.Forget.everything();
    }

    static final long SEED = 20261203L;
    static final int REQUESTS = 10_000;
    static final String[] PATHS = {"/v1/gpu-config", "/v1/gpu-config", "/v1/gpu-config/batch", "/v1/oom", "/v1/diagnostics",
            "/v1/gpus", "/v1/rules", "/v1/rules/reload", "/q/health/ready", "/v1/nope", "/v1/gpu-config/x"};
    static final String[] TYPES = {"application/json", "application/json", "application/json; charset=UTF-8", "text/plain",
            "application/x-www-form-urlencoded", "application/json; charset=ISO-8859-1", "*/*", "application/problem+json", null};
    static final String[] MODELS = {"microsoft/phi-2", "Qwen/Qwen3-30B-A3B-FP8", "bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M",
            "a/99999999999x7b", "", " ", "a/b/c", "x".repeat(300), "mlx-community/Llama-3.2-3B-Instruct-4bit", "org/model-1e9b",
            "\u00e9t\u00e9/mod\u00e8le", "..", "meta-llama/Llama-3.1-70B-Instruct"};
    static final String[] VALUES = {"0", "-1", "1.5", "1e308", "-1e308", "99999999999999999999", "\"x\"", "null", "true", "[]",
            "{}", "[[[[[]]]]]", "\"\"", "16384", "0.85", "\"awq\"", "\"L40S\"", "2", "\"" + "9".repeat(80) + "\""};
    static final String[] FIELDS = {"model", "contextLength", "paramsBillions", "quantization", "sharded", "gpu", "decision",
            "error", "attempt", "device", "totalMiB", "freeMiB", "gpuCount", "memoryUtilization", "engineArgs", "profile"};

    @TestHTTPResource("/")
    URL base;

    private Random random;
    private String decision;

    @Test
    void tenThousandHostileRequestsGetNo5xxAndTheServiceStillAnswers() throws Exception {
        random = new Random(SEED);
        decision = given().queryParam("model", "Qwen/Qwen2.5-7B-Instruct").when().get("/v1/gpu-config").then().statusCode(200)
                .extract().asString();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest req = request();
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 500 && failures.size() < 20) {
                failures.add("#" + i + " " + req.method() + " " + req.uri() + " -> " + r.statusCode() + " " + r.body());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().queryParam("model", "meta-llama/Llama-3.1-8B-Instruct").when().get("/v1/gpu-config").then().statusCode(200)
                .body("model", is("meta-llama/Llama-3.1-8B-Instruct"));
    }

    private HttpRequest request() {
        String path = pick(PATHS);
        StringBuilder uri = new StringBuilder(base.toString().replaceAll("/$", "")).append(path);
        if (random.nextInt(3) == 0) {
            uri.append('?');
            for (int p = random.nextInt(4); p >= 0; p--) {
                uri.append(p == 0 ? "" : "&").append(enc(random.nextBoolean() ? pick(FIELDS) : junk(8))).append('=')
                        .append(enc(random.nextBoolean() ? pick(MODELS) : stripQuotes(pick(VALUES))));
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(Duration.ofSeconds(20));
        String type = pick(TYPES);
        if (type != null) {
            b.header("Content-Type", type);
        }
        if (random.nextInt(5) == 0) {
            b.header("X-" + junk(6).replaceAll("[^A-Za-z]", "a"), junk(random.nextInt(200)).replaceAll("[^ -~]", "a"));
        }
        if (random.nextInt(10) == 0) {
            b.header("Authorization", "Bearer " + junk(12).replaceAll("[^A-Za-z0-9]", "z"));
        }
        String method = random.nextInt(10) == 0 ? pick(new String[]{"PUT", "DELETE", "PATCH"}) : random.nextInt(4) == 0 ? "GET" : "POST";
        return b.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body(path))).build();
    }

    private String body(String path) {
        String seed = switch (path) {
            case "/v1/gpu-config/batch" -> "[" + decideBody() + "," + decideBody() + "]";
            case "/v1/oom" -> "{\"decision\": " + decision + ", \"error\": \"CUDA out of memory\", \"attempt\": 1}";
            case "/v1/diagnostics" -> "{\"decision\": " + decision + ", \"device\": {\"name\": \"NVIDIA L4\", \"totalMiB\": 23034, \"freeMiB\": 22000}}";
            default -> decideBody();
        };
        return switch (random.nextInt(8)) {
            case 0 -> junk(random.nextInt(2000));
            case 1 -> seed.substring(0, random.nextInt(seed.length() + 1));
            case 2 -> random.nextInt(20) == 0 ? seed + " ".repeat(2_000_000) : seed.repeat(1 + random.nextInt(40));
            default -> mutate(seed, 1 + random.nextInt(6));
        };
    }

    private String decideBody() {
        StringBuilder s = new StringBuilder("{\"model\": \"").append(pick(MODELS).replace("\"", "")).append('"');
        for (int f = random.nextInt(4); f > 0; f--) {
            s.append(", \"").append(pick(FIELDS)).append("\": ").append(pick(VALUES));
        }
        return s.append('}').toString();
    }

    /** Replaces values with values of other types, drops or doubles characters. */
    private String mutate(String text, int times) {
        StringBuilder s = new StringBuilder(text);
        for (int i = 0; i < times && s.length() > 0; i++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(5)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, (char) (random.nextInt(95) + 32));
                case 2 -> s.insert(at, pick(new String[]{"{", "}", "[", "]", ",", ":", "\"", "\\", "\u0000", "\ud83d\ude00"}));
                default -> {
                    int colon = s.indexOf(":", at);
                    int end = colon < 0 ? -1 : Math.min(indexOr(s, ",", colon + 1), indexOr(s, "}", colon + 1));
                    if (colon >= 0 && end > colon) {
                        s.replace(colon + 1, end, " " + pick(VALUES));
                    }
                }
            }
        }
        return s.toString();
    }

    private static int indexOr(StringBuilder s, String what, int from) {
        int i = s.indexOf(what, from);
        return i < 0 ? s.length() : i;
    }

    private String junk(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x3000) : random.nextInt(95) + 32));
        }
        return s.toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String stripQuotes(String v) {
        return v.replace("\"", "");
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
