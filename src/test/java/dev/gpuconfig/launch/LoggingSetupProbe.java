package dev.gpuconfig.launch;

/**
 * Run in a JVM of its own by {@link LauncherLoggingTest}: sets logging up as the launcher does,
 * then prints which java.util.logging manager and which JBoss Logging back end it got.
 */
public final class LoggingSetupProbe {
    private LoggingSetupProbe() {
    }

    public static void main(String[] args) {
        Launcher.setUpLogging();
        System.out.println(java.util.logging.LogManager.getLogManager().getClass().getName() + "|"
                + org.jboss.logging.Logger.getLogger(LoggingSetupProbe.class).getClass().getName());
    }
}
