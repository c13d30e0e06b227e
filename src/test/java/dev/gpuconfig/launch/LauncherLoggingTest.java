package dev.gpuconfig.launch;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The runnable jar starts {@link Launcher} directly, in a JVM with no logging property set: the
 * launcher itself must make the JBoss log manager java.util.logging's, or Quarkus's log settings
 * miss every library that logs through java.util.logging. The test JVM has the property already
 * (Quarkus's test setup), so the check runs in a fresh JVM on the same class path.
 */
class LauncherLoggingTest {

    @Test
    void theLauncherInstallsTheJBossLogManagerInAFreshJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LoggingSetupProbe.class.getName());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        String last = out.substring(out.lastIndexOf('\n') + 1);
        assertEquals("org.jboss.logmanager.LogManager|org.jboss.logging.JBossLogManagerLogger", last, out);
    }
}
