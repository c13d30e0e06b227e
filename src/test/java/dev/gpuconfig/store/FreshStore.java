package dev.gpuconfig.store;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every start of the service under test gets an empty embedded store of its own, so what one
 * test run (or one test profile) reports never steers another's decisions. Registered once, in
 * {@link OutcomeStoreTest}; Quarkus applies it to every test that starts the service.
 */
public class FreshStore implements QuarkusTestResourceLifecycleManager {
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("gpu-store-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("gpu.store.dir", dir.toString());
    }

    @Override
    public void stop() {
        delete(dir);
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind
        }
    }
}
