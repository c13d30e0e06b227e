package dev.gpuconfig.launch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/jvm-flags.sh, which the image's entrypoint and the HTTP benchmark source: the JIT profile
 * it sets, run by the POSIX shell the image uses; and that every shipped script parses.
 */
class JvmFlagsScriptTest {

    private record Run(int exit, String out) {
    }

    private static Run source(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c",
                ". docker/jvm-flags.sh && echo \"$JVM_FLAGS|$MALLOC_ARENA_MAX\"");
        pb.environment().remove("GPU_JIT");
        pb.environment().remove("MALLOC_ARENA_MAX");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return new Run(p.waitFor(), out);
    }

    @Test
    void throughputIsTheDefaultWithTheFullJit() throws Exception {
        Run r = source(Map.of());
        assertEquals(0, r.exit(), r.out());
        String[] parts = r.out().split("\\|");
        assertFalse(parts[0].contains("TieredStopAtLevel"), r.out());
        assertTrue(parts[0].contains("-XX:CompileThresholdScaling=2"), r.out());
        assertEquals("2", parts[1]);
        assertEquals(r.out(), source(Map.of("GPU_JIT", "throughput")).out());
    }

    @Test
    void theCompilerDirectivesAreShippedAndThisJvmTakesEveryFlag() throws Exception {
        // a directives file the JVM cannot read or parse stops it before main: "Could not load file"
        Run missing = source(Map.of("JVM_FLAGS_DIR", "no-such-folder"));
        assertEquals(0, missing.exit(), missing.out());
        assertFalse(missing.out().contains("CompilerDirectivesFile"), missing.out());
        assertTrue(missing.out().contains("no no-such-folder/jit-directives.json, starting without it"), missing.out());
        assertTrue(java.nio.file.Files.readString(java.nio.file.Path.of("docker/Dockerfile"))
                .contains("docker/jit-directives.json /deployments/"), "the image copies the directives beside jvm-flags.sh");
        String flags = source(Map.of("JVM_FLAGS_DIR", "docker")).out().split("\\|")[0];
        assertTrue(flags.contains("-XX:CompilerDirectivesFile=docker/jit-directives.json"), flags);
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.util.List.of(flags.trim().split("\\s+")));
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    }

    @Test
    void noFolderTheImageExecutesFromIsSharedAsAVolume() throws Exception {
        // the image runs the rules it is given (read-only) and nothing else: no folder of compiled
        // code that another container could write
        String dockerfile = java.nio.file.Files.readString(java.nio.file.Path.of("docker/Dockerfile"));
        String compose = java.nio.file.Files.readString(java.nio.file.Path.of("docker/compose.yaml"));
        assertFalse(dockerfile.contains("compiled-rules"), "no compiled-rules folder in the image");
        assertFalse(compose.contains("compiled-rules"), "no compiled-rules volume");
        assertTrue(compose.contains("../rules:/deployments/rules:ro"), "the rules are mounted read-only");
    }

    @Test
    void fastStartRunsC1Only() throws Exception {
        Run r = source(Map.of("GPU_JIT", "fast-start"));
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().split("\\|")[0].contains("-XX:TieredStopAtLevel=1"), r.out());
    }

    @Test
    void anOperatorsMallocArenaLimitWins() throws Exception {
        assertEquals("4", source(Map.of("MALLOC_ARENA_MAX", "4")).out().split("\\|")[1]);
    }

    @Test
    void theShippedScriptsParse() throws Exception {
        // a quoting slip in a script shows only when someone runs it: bash -n reads without running
        for (String script : new String[]{"bench/http-bench.sh", "bench/edit-under-load.sh", "bench/service.sh", "bin/train-cds",
                "bin/check-rules", "docker/entrypoint.sh", "docker/jvm-flags.sh"}) {
            Process p = new ProcessBuilder("bash", "-n", script).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), script + ": " + out);
        }
    }

    @Test
    void anUnknownProfileStopsWithTheChoices() throws Exception {
        Run r = source(Map.of("GPU_JIT", "turbo"));
        assertEquals(2, r.exit());
        assertTrue(r.out().contains("GPU_JIT must be fast-start or throughput, not 'turbo'"), r.out());
    }
}
