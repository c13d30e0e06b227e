package dev.gpuconfig.decide;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A cache keeps an answer from the second time its request is asked: requests that never repeat
 * leave nothing behind for the collector to promote, repeated ones are answered from the cache;
 * a cache after an edit keeps the requests its predecessor kept from their first asking.
 */
class AnswerCacheTest {
    private final AnswerCache cache = new AnswerCache(null, 0, null);
    private final AtomicInteger computed = new AtomicInteger();
    private final Function<DecideRequest, AnswerCache.Answer> evaluate =
            r -> new AnswerCache.Answer("L4", List.of(), ("answer " + computed.incrementAndGet()).getBytes());

    private static DecideRequest ask(String model, int context) {
        return new DecideRequest(model, context, null, null, null, null);
    }

    @Test
    void aRequestAskedOnceIsNotKept() {
        assertEquals("answer 1", new String(cache.answer(ask("a/asked-once", 4096), evaluate).json()));
        assertNull(cache.get(ask("a/asked-once", 4096)));
    }

    @Test
    void fromTheSecondAskingTheAnswerComesFromTheCache() {
        DecideRequest often = ask("a/asked-often", 4096);
        cache.answer(often, evaluate);
        assertEquals("answer 2", new String(cache.answer(often, evaluate).json()));
        for (int i = 0; i < 5; i++) {
            assertEquals("answer 2", new String(cache.answer(often, evaluate).json()));
        }
        assertEquals(2, computed.get(), "evaluations");
    }

    @Test
    void aStreamOfRequestsThatNeverRepeatKeepsNothing() {
        for (int i = 0; i < 3 * AnswerCache.LIMIT; i++) {
            cache.answer(ask("a/model", 1000 + i), evaluate);
        }
        for (int i = 0; i < 3 * AnswerCache.LIMIT; i++) {
            assertNull(cache.get(ask("a/model", 1000 + i)), "kept after one asking: context " + (1000 + i));
        }
        assertEquals(0, cache.size());
    }

    @Test
    void theNextCacheKeepsWhatThisOneKeptFromItsFirstAsking() {
        DecideRequest often = ask("a/asked-often", 8192);
        cache.answer(often, evaluate);
        cache.answer(often, evaluate);
        AnswerCache next = new AnswerCache(null, 0, cache);
        assertNull(next.get(often), "no answer is carried over");
        next.answer(often, evaluate);
        assertNotNull(next.get(often), "kept from its first asking under the new rules");
        assertEquals("answer 3", new String(next.get(often).json()));
    }
}
