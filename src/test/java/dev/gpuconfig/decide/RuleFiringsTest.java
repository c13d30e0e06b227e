package dev.gpuconfig.decide;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RuleFiringsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RuleFirings firings = new RuleFirings(registry);

    private double count(String rule) {
        FunctionCounter c = registry.find("gpu.rule.firings").tag("rule", rule).functionCounter();
        return c == null ? -1 : c.count();
    }

    @Test
    void countsEachRuleOnceForEveryDecisionItTookPartIn() {
        List<String> small = List.of("size band: small", "fit: first candidate");
        List<String> large = List.of("size band: large", "fit: first candidate");
        firings.add(small);
        firings.add(small);
        assertEquals(2, count("size band: small"));
        firings.add(large);
        firings.add(new ArrayList<>(small)); // an equal list from another answer shares the tally
        assertEquals(3, count("size band: small"));
        assertEquals(1, count("size band: large"));
        assertEquals(4, count("fit: first candidate"));
        assertNull(registry.find("gpu.rule.firings").tag("rule", "never fired").functionCounter());
    }

    @Test
    void keepsCountingExactlyPastTheLimitOfDistinctLists() {
        int lists = RuleFirings.MAX_TALLIES + 50;
        for (int i = 0; i < lists; i++) {
            List<String> fired = List.of("common", "path " + i);
            firings.add(fired);
            firings.add(fired);
        }
        assertEquals(2.0 * lists, count("common"));
        assertEquals(2, count("path 0"));
        assertEquals(2, count("path " + (lists - 1)));
    }
}
