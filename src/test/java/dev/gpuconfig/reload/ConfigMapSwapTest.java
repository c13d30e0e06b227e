package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RulesCopy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Kubernetes ConfigMap volume: the files are links through {@code ..data}, a link to a
 * timestamped folder, and an update swaps {@code ..data} in one rename. The watcher must follow.
 */
class ConfigMapSwapTest {

    @Test
    void theDataLinkSwapIsFollowed() throws Exception {
        Path mount = RulesCopy.tempDir("configmap");
        Path v1 = mount.resolve("..2026_11_26_v1");
        Files.createDirectories(v1);
        RulesCopy.copy(Path.of("rules"), v1);
        Files.createSymbolicLink(mount.resolve("..data"), v1.getFileName());
        try (var s = Files.list(v1)) {
            for (Path p : s.toList()) {
                Files.createSymbolicLink(mount.resolve(p.getFileName()), Path.of("..data").resolve(p.getFileName()));
            }
        }
        RulesConfig config = TestRules.config(mount, 200);
        RulesManager rules = TestRules.manager(config);
        assertEquals(LoadAttempt.ACTIVATED, rules.reload("startup").result());
        String before = rules.active().orElseThrow().version();
        RulesWatcher watcher = new RulesWatcher(rules, config);
        watcher.start();
        try {
            Path v2 = mount.resolve("..2026_11_26_v2");
            Files.createDirectories(v2);
            RulesCopy.copy(v1, v2);
            Files.writeString(v2.resolve("utilization.drl.csv"), Files.readString(v2.resolve("utilization.drl.csv"))
                    .replace("utilization: small,small,false,0.88", "utilization: small,small,false,0.87"));
            Files.createSymbolicLink(mount.resolve("..data_tmp"), v2.getFileName());
            Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline && rules.active().orElseThrow().version().equals(before)) {
                Thread.sleep(50);
            }
            assertNotEquals(before, rules.active().orElseThrow().version(), "the swap was not followed");
            assertEquals(RuleFolder.read(mount).version(), rules.active().orElseThrow().version());
            assertTrue(rules.active().orElseThrow().files().contains("utilization.drl.csv"));
        } finally {
            watcher.stop();
        }
    }
}
