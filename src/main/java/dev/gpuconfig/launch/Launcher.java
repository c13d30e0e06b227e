package dev.gpuconfig.launch;

import dev.gpuconfig.decide.PolicyTestRunner;
import dev.gpuconfig.engine.EarlyBuild;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.nio.file.Path;

/**
 * The service's entry point: starts building the rules folder, sets the event loops when nobody
 * has ({@link EventLoops}), then boots Quarkus. The folder and pool size are read the way the
 * typed configuration reads them from the command line and the environment ({@code
 * -Dgpu.rules.dir}, {@code GPU_RULES_DIR}); when the configuration ends up different (say, set in
 * application.properties) the early build is simply not used.
 */
@QuarkusMain
public final class Launcher {
    private Launcher() {
    }

    public static void main(String... args) {
        // Logging must be set up on this thread before the build thread logs anything: initialized
        // from two threads at once, java.util.logging and the JBoss log manager deadlock (seen here:
        // one start in about eight hung before Quarkus printed a line).
        java.util.logging.LogManager.getLogManager();
        org.jboss.logging.Logger.getLogger(Launcher.class);
        org.slf4j.LoggerFactory.getLogger(Launcher.class);
        String dir = setting("gpu.rules.dir", "rules");
        int pool = Integer.parseInt(setting("gpu.rules.session-pool", "16"));
        EarlyBuild.start(Path.of(dir), pool, new PolicyTestRunner());
        EventLoops.setDefault();
        Quarkus.run(args);
    }

    private static String setting(String key, String fallback) {
        String v = System.getProperty(key);
        if (v == null) {
            v = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }
}
