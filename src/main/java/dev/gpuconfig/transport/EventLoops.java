package dev.gpuconfig.transport;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Properties;

/**
 * How many Vert.x event loops the service runs when nobody says (Quarkus's own default is twice
 * the CPUs). A remembered decision takes microseconds on its I/O thread (one the rules must
 * evaluate goes to a decision thread, decide/DecisionWorkers). With the full JIT one loop per two
 * CPUs is enough to answer at full rate, and the other half stays for rule rebuilds, the decision
 * threads, the JIT and GC: more loops than that preempt one another mid-batch, which raises the
 * tail latency at the same requests per second. C1-compiled code (GPU_JIT=fast-start) is slower
 * per request and needs a loop on every CPU. The CPUs are the JVM's count, which follows a
 * container's CPU quota.
 */
public final class EventLoops {
    static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";
    static final String ENV = "QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE";

    private EventLoops() {
    }

    static int forCpus(int cpus, boolean c1Only) {
        return c1Only ? Math.max(1, cpus) : Math.max(1, cpus / 2);
    }

    /** Sets the property unless the system properties or the environment already name a count. */
    static void setDefault(Properties props, Map<String, String> env, int cpus, boolean c1Only) {
        if (props.getProperty(PROPERTY) == null && env.get(ENV) == null) {
            props.setProperty(PROPERTY, String.valueOf(forCpus(cpus, c1Only)));
        }
    }

    public static void setDefault() {
        setDefault(System.getProperties(), System.getenv(), Runtime.getRuntime().availableProcessors(), c1Only());
    }

    /** Whether this JVM compiles with C1 only ({@code -XX:TieredStopAtLevel} below 4). */
    static boolean c1Only() {
        try {
            String level = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("TieredStopAtLevel").getValue();
            return Integer.parseInt(level) < 4;
        } catch (RuntimeException | LinkageError e) { // not HotSpot, or no jdk.management: assume the full JIT
            return false;
        }
    }
}
