package dev.gpuconfig.reload;

import dev.gpuconfig.engine.CandidateCheck;
import dev.gpuconfig.engine.CompiledRules;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSetBuilder;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The first rule build, started by the launcher before the framework boots, so that on two cores
 * compiling the rules and starting the HTTP stack overlap instead of queueing. The rules manager
 * takes the result at start-up only if it was built for the same folder and session pool and the
 * folder has not changed since (same version); otherwise it is thrown away and the folder is built
 * again, so this changes when the service gets ready, never what it serves.
 */
public final class EarlyBuild {
    private record Pending(Path folder, int poolSize, CompletableFuture<RuleSetBuilder.Result> result) {
    }

    private static volatile Pending pending;

    private EarlyBuild() {
    }

    /** Starts building {@code folder} on a background thread. */
    public static void start(Path folder, int poolSize, CandidateCheck check) {
        start(folder, poolSize, check, null);
    }

    /** As above, reading the folder's rules from {@code cache} when compiled before (null: no cache). */
    public static synchronized void start(Path folder, int poolSize, CandidateCheck check, CompiledRules cache) {
        Path dir = folder.toAbsolutePath().normalize();
        CompletableFuture<RuleSetBuilder.Result> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(new RuleSetBuilder(poolSize, check, cache).build(RuleFolder.read(dir)));
            } catch (Throwable e) { // a folder that cannot be read: the manager's own load reports it
                result.completeExceptionally(e);
            }
        }, "rules-early-build");
        t.setDaemon(true);
        t.start();
        pending = new Pending(dir, poolSize, result);
    }

    /** Whether a build was started and not yet taken: the launcher's start-up, not tests or dev mode. */
    static boolean started() {
        return pending != null;
    }

    /**
     * The early result for this folder and pool size, waiting for it to finish; null when none was
     * started, it failed, or it was built for something else (a mismatch is disposed here).
     */
    static synchronized RuleSetBuilder.Result take(Path folder, int poolSize) {
        Pending p = pending;
        pending = null;
        if (p == null) {
            return null;
        }
        RuleSetBuilder.Result r;
        try {
            r = p.result().join();
        } catch (RuntimeException e) {
            return null;
        }
        if (!p.folder().equals(folder.toAbsolutePath().normalize()) || p.poolSize() != poolSize) {
            r.discard();
            return null;
        }
        return r;
    }
}
