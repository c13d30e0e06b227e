package dev.gpuconfig.launch;

import dev.gpuconfig.transport.EventLoops;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The service's entry point: sets up logging and the event loops when nobody has
 * ({@link EventLoops}), then boots Quarkus; the rules are activated at start-up by the rules
 * manager, like any other load.
 */
@QuarkusMain
public final class Launcher {
    private Launcher() {
    }

    public static void main(String... args) {
        setUpLogging();
        EventLoops.setDefault();
        Quarkus.run(args);
    }

    /**
     * The JBoss log manager must be java.util.logging's before anything asks for it: the runnable
     * jar starts this class directly, with no Quarkus launcher to set it first, and
     * java.util.logging keeps the first manager it makes (its own, which ignores Quarkus's log
     * settings). Initialized from two threads at once, java.util.logging and the JBoss log manager
     * can deadlock, so it happens here, before any other thread starts.
     */
    static void setUpLogging() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        java.util.logging.LogManager.getLogManager();
        org.jboss.logging.Logger.getLogger(Launcher.class);
        org.slf4j.LoggerFactory.getLogger(Launcher.class);
    }
}
