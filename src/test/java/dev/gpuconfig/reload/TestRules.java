package dev.gpuconfig.reload;


import dev.gpuconfig.decide.PolicyTestRunner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.util.Optional;

/** A RulesManager outside Quarkus, on a given folder, for tests of loading and watching. */
public final class TestRules {

    private TestRules() {
    }

    public static RulesConfig config(Path dir, long settleMs) {
        return config(dir, settleMs, 0, 0);
    }

    /** With warm-up builds: how many, and how long after start they wait. */
    public static RulesConfig config(Path dir, long settleMs, int warmupBuilds, long warmupDelayMs) {
        return config(dir, settleMs, warmupBuilds, warmupDelayMs, 20_000);
    }

    /** With a deadline for building and testing a folder. */
    public static RulesConfig config(Path dir, long settleMs, int warmupBuilds, long warmupDelayMs, long buildDeadlineMs) {
        return new RulesConfig() {
            public Rules rules() {
                return new Rules() {
                    public String dir() { return dir.toString(); }
                    public boolean watch() { return true; }
                    public long settleMs() { return settleMs; }
                    public int sessionPool() { return 2; }
                    public long buildDeadlineMs() { return buildDeadlineMs; }
                    public int warmupBuilds() { return warmupBuilds; }
                    public long warmupDelayMs() { return warmupDelayMs; }
                };
            }

            public Admin admin() {
                return Optional::empty;
            }
        };
    }

    public static RulesManager manager(RulesConfig config) {
        return manager(config, new SimpleMeterRegistry());
    }

    /** With the registry the manager reports its reloads to, for tests that count them. */
    public static RulesManager manager(RulesConfig config, SimpleMeterRegistry registry) {
        return new RulesManager(config, new PolicyTestRunner(), new RulesMetrics(registry), null);
    }
}
