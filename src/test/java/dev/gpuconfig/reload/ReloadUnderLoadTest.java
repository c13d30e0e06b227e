package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RulesCopy;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reloads, good and broken mixed, under a steady load of concurrent requests: no request may fail. */
@QuarkusTest
@TestProfile(ReloadUnderLoadTest.Copy.class)
class ReloadUnderLoadTest {
    static final Path DIR = RulesCopy.create();
    static final int RELOADS = 100;

    public static class Copy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gpu.rules.dir", DIR.toString(), "gpu.rules.watch", "false");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void hundredReloadsZeroFailedRequests() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String root = base.toString().replaceAll("/$", "");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        List<String> failures = new ArrayList<>();
        Set<String> versions = ConcurrentHashMap.newKeySet();
        List<Thread> clients = new ArrayList<>();
        String[] models = {"Qwen/Qwen2.5-0.5B-Instruct", "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B-FP8"};
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread c = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    String body = "{\"model\":\"" + models[(id + i++) % models.length] + "\"}";
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root + "/v1/gpu-config"))
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            synchronized (failures) {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } else {
                            ok.incrementAndGet();
                            int v = r.body().indexOf("\"rulesVersion\":\"");
                            versions.add(r.body().substring(v + 16, v + 16 + 71));
                        }
                    } catch (Exception e) {
                        synchronized (failures) {
                            failures.add(e.toString());
                        }
                    }
                }
            }, "load-" + t);
            c.start();
            clients.add(c);
        }
        Path util = DIR.resolve("utilization.drl.csv");
        String original = Files.readString(util);
        int activated = 0;
        int rejected = 0;
        for (int i = 0; i < RELOADS; i++) {
            Path broken = DIR.resolve("half-written.drl");
            if (i % 2 == 0) {
                Files.deleteIfExists(broken);
                RulesCopy.write(util, original.replace("utilization: medium,medium,false,0.85",
                        "utilization: medium,medium,false,0." + (80 + (i / 2) % 6)));
            } else {
                RulesCopy.write(broken, "package dev.gpuconfig.policy;\nrule \"half written\"\nwhen\n  Decision(\n");
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root + "/v1/rules/reload"))
                    .header("Authorization", "Bearer test-admin-token").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            if (r.body().contains("\"result\":\"activated\"")) {
                activated++;
            } else if (r.body().contains("\"result\":\"rejected\"")) {
                rejected++;
            }
        }
        running.set(false);
        for (Thread c : clients) {
            c.join(30_000);
        }
        RulesCopy.write(util, original);
        Files.deleteIfExists(DIR.resolve("half-written.drl"));
        System.out.printf("%d requests answered during %d reloads (%d activated, %d rejected), %d versions seen%n",
                ok.get(), RELOADS, activated, rejected, versions.size());
        assertEquals(List.of(), failures, "failed requests during reloads");
        assertTrue(ok.get() > RELOADS, "the load kept running");
        assertTrue(activated >= 10 && rejected >= 40, "good and broken reloads were mixed: " + activated + "/" + rejected);
        assertTrue(versions.size() > 1, "answers followed the reloads");
    }
}
