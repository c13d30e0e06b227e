package dev.gpuconfig.launch;

import dev.gpuconfig.transport.EventLoops;

import dev.gpuconfig.decide.PolicyTestRunner;
import dev.gpuconfig.engine.CompiledRules;
import dev.gpuconfig.reload.EarlyBuild;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.nio.file.Path;

/**
 * The service's entry point: starts building the rules folder, sets the event loops when nobody
 * has ({@link EventLoops}), then boots Quarkus. The folder, pool size and compiled-rules cache are
 * read the way the typed configuration reads them from the command line and the environment
 * ({@code -Dgpu.rules.dir}, {@code GPU_RULES_DIR}); when the configuration ends up different (say,
 * set in config/application.properties) the early build is simply not used (a different cache
 * setting changes only how it was built, not what it holds).
 */
@QuarkusMain
public final class Launcher {
    private Launcher() {
    }

    public static void main(String... args) {
        setUpLogging();
        String dir = setting("gpu.rules.dir", "rules");
        int pool = Integer.parseInt(setting("gpu.rules.session-pool", "16"));
        CompiledRules cache = Boolean.parseBoolean(setting("gpu.rules.cache", "true"))
                ? new CompiledRules(Path.of(setting("gpu.rules.cache-dir", CompiledRules.defaultDir().toString())))
                : null;
        EarlyBuild.start(Path.of(dir), pool, new PolicyTestRunner(), cache);
        EventLoops.setDefault();
        Quarkus.run(args);
    }

    /**
     * Logging must be set up on this thread before the build thread logs anything: initialized
     * from two threads at once, java.util.logging and the JBoss log manager deadlock (seen here:
     * one start in about eight hung before Quarkus printed a line). The JBoss log manager must be
     * java.util.logging's before anything asks for it: the runnable jar starts this class directly,
     * with no Quarkus launcher to set it first, and java.util.logging keeps the first manager it
     * makes (its own, which ignores Quarkus's log settings; JBoss Logging then also went through
     * Log4j 2, probed for 70 ms).
     */
    static void setUpLogging() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        java.util.logging.LogManager.getLogManager();
        org.jboss.logging.Logger.getLogger(Launcher.class);
        org.slf4j.LoggerFactory.getLogger(Launcher.class);
    }

    private static String setting(String key, String fallback) {
        String v = System.getProperty(key);
        if (v == null) {
            v = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }
}
