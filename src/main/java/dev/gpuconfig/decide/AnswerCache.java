package dev.gpuconfig.decide;

import dev.gpuconfig.engine.RuleSet;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The answers one rule set gave in one generation of the outcome history, as the JSON sent. A
 * decision is a pure function of the request, the rules and the history, so an answer stays true
 * while its rule set is the one in force and the history has not changed; a new activation or a
 * new generation gets a new cache, and no answer outlives what it was computed from.
 * <p>
 * An answer is kept from the second time its request is asked: requests that never repeat (each
 * with its own context length, say) would otherwise fill the cache with answers nobody reads
 * again, which the collector promotes and then collects in full. Past {@link #LIMIT} answers the
 * cache starts over.
 */
final class AnswerCache {
    /** About 3.5 KB of JSON each: the cache stays under 8 MB of a 128 MB heap. */
    static final int LIMIT = 2048;

    /** What is kept of an answer: the JSON, and the two fields the metrics count. */
    record Answer(String modalGpu, List<String> firedRules, byte[] json) {
        static Answer of(DecideResponse response) {
            return new Answer(response.modalGpu(), response.firedRules(), Json.write(response));
        }
    }

    private final RuleSet rules;
    private final long generation;
    private final ConcurrentHashMap<DecideRequest, Answer> answers = new ConcurrentHashMap<>();
    /** Hashes of requests asked once, by slot: see {@link #askedBefore}. */
    private final int[] asked = new int[2 * LIMIT];

    /**
     * A cache for {@code rules}. The requests {@code previous} kept count as asked once here, so
     * after an edit of the rules each is kept from its first asking; only the requests are carried,
     * never an answer.
     */
    AnswerCache(RuleSet rules, long generation, AnswerCache previous) {
        this.rules = rules;
        this.generation = generation;
        if (previous != null) {
            previous.answers.keySet().forEach(this::askedBefore);
        }
    }

    RuleSet rules() {
        return rules;
    }

    /** The generation of the outcome history the answers were computed in. */
    long generation() {
        return generation;
    }

    /** The answer kept for {@code request}, or null. */
    Answer get(DecideRequest request) {
        return answers.get(request);
    }

    /** The answer for {@code request}: the one kept, or {@code evaluate}'s, kept when asked before. */
    Answer answer(DecideRequest request, Function<DecideRequest, Answer> evaluate) {
        Answer hit = answers.get(request);
        if (hit != null) {
            return hit;
        }
        Answer value = evaluate.apply(request);
        if (askedBefore(request)) {
            if (answers.size() >= LIMIT) {
                answers.clear();
            }
            answers.put(request, value);
        }
        return value;
    }

    /** The requests whose answers are kept. */
    java.util.Set<DecideRequest> requests() {
        return java.util.Set.copyOf(answers.keySet());
    }

    int size() {
        return answers.size();
    }

    /**
     * Whether {@code request} was asked before, as far as a table of recent requests' hashes can
     * tell, and it is recorded as asked. Unsynchronized on purpose: a lost or mixed-up entry only
     * keeps an answer one request early or late.
     */
    private boolean askedBefore(DecideRequest request) {
        int h = request.hashCode();
        h ^= h >>> 16;
        int slot = h & (asked.length - 1);
        if (asked[slot] == h) {
            return true;
        }
        asked[slot] = h;
        return false;
    }
}
