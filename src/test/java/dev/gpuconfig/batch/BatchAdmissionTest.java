package dev.gpuconfig.batch;

import dev.gpuconfig.decide.DecideException;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bound on batch items in flight: who waits, who is let in and when, what a refusal says. */
class BatchAdmissionTest {

    @Test
    void batchesWaitInArrivalOrderUntilTheirItemsFit() throws Exception {
        BatchAdmission admission = new BatchAdmission(100, 10_000, 10_000, 30_000);
        BatchAdmission.Room first = admission.enter(80).get(5, TimeUnit.SECONDS);
        CompletableFuture<BatchAdmission.Room> second = admission.enter(50);
        // 20 items would fit beside 80, but a small batch does not overtake a larger one that came first
        CompletableFuture<BatchAdmission.Room> third = admission.enter(20);
        assertEquals(2, admission.waiting());
        assertEquals(70, admission.itemsWaiting());
        Thread.sleep(100);
        assertFalse(second.isDone(), "50 items were admitted beside 80 under a bound of 100");
        assertFalse(third.isDone(), "a later batch overtook one that waited");
        first.close();
        // both fit now: 50 + 20 of 100
        second.get(5, TimeUnit.SECONDS).close();
        third.get(5, TimeUnit.SECONDS).close();
        assertEquals(100, admission.available(), "every item given back");
        assertEquals(0, admission.waiting());
        assertEquals(0, admission.itemsWaiting());
    }

    @Test
    void aBatchThatWaitedTooLongIsRefusedWith503AndNothingIsHeld() throws Exception {
        BatchAdmission admission = new BatchAdmission(100, 10_000, 100, 30_000);
        BatchAdmission.Room busy = admission.enter(100).get(5, TimeUnit.SECONDS);
        DecideException refused = refusal(admission.enter(1));
        assertEquals(DecideException.Kind.BUSY, refused.kind());
        assertEquals("Too many batch items in flight", refused.title());
        assertTrue(refused.getMessage().contains("100 batch items at once"), refused.getMessage());
        assertEquals(0, admission.waiting(), "the refused batch still waits");
        busy.close();
        assertEquals(100, admission.available());
    }

    @Test
    void aLargeBatchThatGaveUpLetsTheSmallerOnesBehindItIn() throws Exception {
        BatchAdmission admission = new BatchAdmission(100, 10_000, 200, 30_000);
        BatchAdmission.Room busy = admission.enter(60).get(5, TimeUnit.SECONDS);
        CompletableFuture<BatchAdmission.Room> large = admission.enter(100);
        Thread.sleep(50);
        CompletableFuture<BatchAdmission.Room> small = admission.enter(30); // fits beside 60, waits behind the large one
        assertFalse(small.isDone());
        assertEquals(DecideException.Kind.BUSY, refusal(large).kind());
        small.get(5, TimeUnit.SECONDS).close();
        busy.close();
        assertEquals(100, admission.available());
    }

    @Test
    void aBatchThatWouldOverfillTheQueueIsRefusedAtOnceAndTheOthersKeepTheirPlace() throws Exception {
        BatchAdmission admission = new BatchAdmission(100, 150, 10_000, 30_000);
        BatchAdmission.Room busy = admission.enter(100).get(5, TimeUnit.SECONDS);
        CompletableFuture<BatchAdmission.Room> waiting = admission.enter(100);
        CompletableFuture<BatchAdmission.Room> full = admission.enter(60); // 100 + 60 waiting > 150
        assertTrue(full.isDone(), "a full queue made the batch wait");
        DecideException refused = refusal(full);
        assertEquals(DecideException.Kind.BUSY, refused.kind());
        assertEquals("Too many batches waiting", refused.title());
        assertTrue(refused.getMessage().contains("150 more wait"), refused.getMessage());
        assertEquals(100, admission.itemsWaiting(), "the refused batch left items in the queue");
        // a batch that fits the queue's rest still waits its turn
        CompletableFuture<BatchAdmission.Room> fits = admission.enter(50);
        assertEquals(150, admission.itemsWaiting());
        busy.close();
        waiting.get(5, TimeUnit.SECONDS).close();
        fits.get(5, TimeUnit.SECONDS).close();
        assertEquals(0, admission.itemsWaiting());
        assertEquals(100, admission.available());
    }

    @Test
    void aRoomIsGivenBackOnceHoweverOftenItIsClosed() throws Exception {
        BatchAdmission admission = new BatchAdmission(10, 10_000, 100, 30_000);
        BatchAdmission.Room room = admission.enter(7).get(5, TimeUnit.SECONDS);
        assertEquals(3, admission.available());
        room.close();
        room.close();
        assertEquals(10, admission.available());
    }

    @Test
    void aRoomNobodyGivesBackIsGivenBackAfterTheLongestHold() throws Exception {
        BatchAdmission admission = new BatchAdmission(10, 10_000, 100, 200);
        BatchAdmission.Room forgotten = admission.enter(10).get(5, TimeUnit.SECONDS); // an answer never sent, never abandoned
        assertEquals(0, admission.available());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (admission.available() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(10, admission.available(), "the room of a forgotten batch was not given back");
        forgotten.close(); // and closing it late gives nothing back twice
        assertEquals(10, admission.available());
    }

    @Test
    void aBatchLargerThanTheBoundRunsAlone() throws Exception {
        BatchAdmission admission = new BatchAdmission(10, 10_000, 100, 30_000);
        BatchAdmission.Room alone = admission.enter(1000).get(5, TimeUnit.SECONDS);
        assertEquals(0, admission.available(), "the large batch holds the whole bound");
        alone.close();
        assertEquals(10, admission.available());
    }

    @Test
    void settingsThatCannotWorkAreRefusedByName() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new BatchAdmission(0, 10_000, 100, 30_000));
        assertTrue(none.getMessage().contains("gpu.batch.items-in-flight"), none.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> new BatchAdmission(10, 10_000, -1, 30_000));
        assertTrue(negative.getMessage().contains("gpu.batch.wait-ms"), negative.getMessage());
        IllegalArgumentException noHold = assertThrows(IllegalArgumentException.class, () -> new BatchAdmission(10, 10_000, 100, 0));
        assertTrue(noHold.getMessage().contains("gpu.batch.hold-ms"), noHold.getMessage());
        IllegalArgumentException noQueue = assertThrows(IllegalArgumentException.class, () -> new BatchAdmission(10, -1, 100, 30_000));
        assertTrue(noQueue.getMessage().contains("gpu.batch.items-waiting"), noQueue.getMessage());
    }

    private static DecideException refusal(CompletableFuture<BatchAdmission.Room> entering) throws Exception {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> entering.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(DecideException.class, failed.getCause());
    }
}
