package dev.gpuconfig.batch;

import dev.gpuconfig.decide.DecideException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * A batch's answers, written as one JSON array where the server sends them from: the array is
 * never assembled on the heap, where a 1,000-item array (3 MB) would live just long enough to be
 * promoted. The batch's room among the items in flight is given back ({@link #close}) once the
 * array has left.
 */
public final class BatchAnswers implements AutoCloseable {
    /** Per item, its answer's JSON bytes or its refusal. */
    private final Object[] answers;
    private final BatchAdmission.Room room;

    BatchAnswers(Object[] answers, BatchAdmission.Room room) {
        this.answers = answers;
        this.room = room;
    }

    /**
     * The array's items as bytes, each refusal written by {@code problem} (the API layer's problem object).
     */
    public byte[][] items(Function<DecideException, byte[]> problem) {
        byte[][] items = new byte[answers.length][];
        for (int i = 0; i < answers.length; i++) {
            items[i] = answers[i] instanceof byte[] json ? json : problem.apply((DecideException) answers[i]);
        }
        return items;
    }

    /** Writes the array of {@code items}. */
    public static void writeTo(byte[][] items, OutputStream out) throws IOException {
        out.write('[');
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(items[i]);
        }
        out.write(']');
    }

    /** Gives the batch's room back: once its answer has left, or the connection closed. */
    @Override
    public void close() {
        room.close();
    }
}
