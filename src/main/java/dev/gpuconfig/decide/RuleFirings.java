package dev.gpuconfig.decide;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metric {@code gpu.rule.firings}, by rule: how many answered decisions each rule took part in.
 * A decision fires a dozen rules or more, and one counter increment per rule costs more CPU than a
 * memoized decision itself, most of it in contended adders. So a decision
 * adds one to the tally of its list of fired rules (answers are memoized, so they share few distinct
 * lists), and the per-rule totals are summed from those tallies when Prometheus reads them.
 */
final class RuleFirings {
    // distinct lists are few (one per path through the policy); past this many, a new list is counted rule by rule
    static final int MAX_TALLIES = 2000;
    private final MeterRegistry registry;
    private final Map<List<String>, LongAdder> tallies = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byRule = new ConcurrentHashMap<>();
    private final LongAdder served = new LongAdder();
    private Map<String, Long> totals = Map.of();
    private long totalsAt = -1;

    RuleFirings(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One answered decision that fired {@code rules} (an unmodifiable list, shared by memoized answers). */
    void add(List<String> rules) {
        LongAdder tally = tallies.get(rules);
        if (tally == null) {
            tally = newTally(rules);
        }
        if (tally != null) {
            tally.increment();
        } else {
            for (int i = 0; i < rules.size(); i++) {
                byRule.get(rules.get(i)).increment();
            }
        }
        served.increment();
    }

    /** The tally for a list not seen before, or null when there are too many lists to keep. */
    private LongAdder newTally(List<String> rules) {
        for (int i = 0; i < rules.size(); i++) {
            String rule = rules.get(i);
            if (!byRule.containsKey(rule) && byRule.putIfAbsent(rule, new LongAdder()) == null) {
                FunctionCounter.builder("gpu.rule.firings", this, f -> f.total(rule)).tag("rule", rule)
                        .description("rule firings by rule").register(registry);
            }
        }
        return tallies.size() < MAX_TALLIES ? tallies.computeIfAbsent(List.copyOf(rules), r -> new LongAdder()) : null;
    }

    /** The firings of one rule so far: summed once per change of the served count, not once per rule. */
    synchronized double total(String rule) {
        long now = served.sum();
        if (now != totalsAt) {
            Map<String, Long> sum = new HashMap<>();
            byRule.forEach((r, n) -> sum.put(r, n.sum()));
            for (Map.Entry<List<String>, LongAdder> e : tallies.entrySet()) {
                long n = e.getValue().sum();
                for (String r : e.getKey()) {
                    sum.merge(r, n, Long::sum);
                }
            }
            totals = sum;
            totalsAt = now;
        }
        return totals.getOrDefault(rule, 0L);
    }
}
