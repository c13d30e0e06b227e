package dev.gpuconfig.transport;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class EventLoopsTest {

    @Test
    void halfTheCpusWithTheFullJitAndAllOfThemWithC1Only() {
        assertEquals(1, EventLoops.forCpus(2, false));
        assertEquals(4, EventLoops.forCpus(8, false));
        assertEquals(1, EventLoops.forCpus(1, false));
        assertEquals(2, EventLoops.forCpus(2, true));
        assertEquals(1, EventLoops.forCpus(1, true));
    }

    @Test
    void setsTheQuarkusPropertyOnlyWhenNobodyHas() {
        Properties props = new Properties();
        EventLoops.setDefault(props, Map.of(), 8, false);
        assertEquals("4", props.getProperty(EventLoops.PROPERTY));

        Properties mine = new Properties();
        mine.setProperty(EventLoops.PROPERTY, "6");
        EventLoops.setDefault(mine, Map.of(), 8, false);
        assertEquals("6", mine.getProperty(EventLoops.PROPERTY));

        Properties fromEnv = new Properties();
        EventLoops.setDefault(fromEnv, Map.of(EventLoops.ENV, "3"), 8, true);
        assertNull(fromEnv.getProperty(EventLoops.PROPERTY), "the environment's value is Quarkus's to read");
    }

    @Test
    void readsTheJitOfThisJvm() {
        boolean c1Flag = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-XX:TieredStopAtLevel=") && !a.endsWith("=4"));
        assumeFalse(c1Flag, "the tests run with the full JIT");
        assertFalse(EventLoops.c1Only());
        assertTrue(EventLoops.forCpus(Runtime.getRuntime().availableProcessors(), EventLoops.c1Only()) >= 1);
    }
}
