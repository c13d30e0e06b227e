package dev.gpuconfig.engine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A rule set keeps an answer from the second time its request is asked: requests that never
 * repeat leave nothing behind for the collector to promote, repeated ones are answered from the memo.
 */
class MemoAdmissionTest {
    private static RuleSet rules;

    @BeforeAll
    static void build() {
        rules = new RuleSetBuilder(1).build(RuleFolder.read(Path.of("rules"))).ruleSet();
    }

    @AfterAll
    static void dispose() {
        rules.dispose();
    }

    @Test
    void aRequestAskedOnceIsNotKept() {
        AtomicInteger computed = new AtomicInteger();
        assertEquals("answer 1", rules.memo("asked once", k -> "answer " + computed.incrementAndGet()));
        assertNull(rules.memoized("asked once"));
    }

    @Test
    void fromTheSecondAskingTheAnswerComesFromTheMemo() {
        AtomicInteger computed = new AtomicInteger();
        rules.memo("asked often", k -> "answer " + computed.incrementAndGet());
        assertEquals("answer 2", rules.memo("asked often", k -> "answer " + computed.incrementAndGet()));
        assertEquals("answer 2", rules.memoized("asked often"));
        for (int i = 0; i < 5; i++) {
            assertEquals("answer 2", rules.memo("asked often", k -> "answer " + computed.incrementAndGet()));
        }
        assertEquals(2, computed.get(), "evaluations");
    }

    @Test
    void aStreamOfRequestsThatNeverRepeatKeepsNothing() {
        for (int i = 0; i < 3 * RuleSet.MEMO_LIMIT; i++) {
            rules.memo("context length " + i, k -> k.length());
        }
        for (int i = 0; i < 3 * RuleSet.MEMO_LIMIT; i++) {
            assertNull(rules.memoized("context length " + i), "kept after one asking: context length " + i);
        }
    }
}
