package dev.gpuconfig.engine;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policy cases run in parallel, and Drools looks its services up through the context class loader:
 * every case must see the caller's loader, also on a pool thread (a case that did not failed the
 * first decision of a build with "not a subtype" when a pool thread carried another loader).
 */
class PolicyTestsTest {

    @Test
    void everyCaseRunsWithTheCallersContextClassLoaderAndFailuresKeepRowOrder() throws Exception {
        Path dir = RulesCopy.tempDir("policy-tests");
        StringBuilder csv = new StringBuilder("model,gpu\n");
        for (int i = 0; i < 64; i++) {
            csv.append("org/model-").append(i).append(",T4\n");
        }
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("tests/many.csv"), csv);
        Files.writeString(dir.resolve("policy.drl"), "package dev.gpuconfig.policy;\n");

        // Pool threads take the context loader of whoever made them: make sure they exist before
        // the caller switches to its own loader, as the service's pool threads do.
        java.util.stream.IntStream.range(0, 16).parallel().forEach(i -> sleep());
        ClassLoader marker = new URLClassLoader(new URL[0], getClass().getClassLoader());
        Set<ClassLoader> seen = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Thread me = Thread.currentThread();
        ClassLoader before = me.getContextClassLoader();
        me.setContextClassLoader(marker);
        List<RuleProblem> failures;
        try {
            failures = PolicyTests.run(RuleFolder.read(dir), c -> {
                seen.add(Thread.currentThread().getContextClassLoader());
                threads.add(Thread.currentThread().getName());
                sleep(); // long enough for the pool to take some of the cases
                int n = Integer.parseInt(c.model().substring("org/model-".length()));
                return new PolicyTests.Outcome(n % 2 == 0 ? "T4" : "L4", 1, 0.9, 4096, null);
            });
        } finally {
            me.setContextClassLoader(before);
        }
        assertEquals(Set.of(marker), seen, "cases ran on " + threads);
        assertEquals(32, failures.size());
        for (int i = 0; i < failures.size(); i++) {
            assertEquals(2 * i + 3, failures.get(i).line(), failures.toString()); // odd models, header is line 1
            assertTrue(failures.get(i).message().contains("gpu is L4, expected T4"));
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
