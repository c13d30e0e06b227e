package dev.gpuconfig.batch;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A batch's answers, written as one JSON array where the server sends them from: the array is
 * never assembled on the heap. Assembled, a 1,000-item array was a 3 MB object still alive at
 * the next young collection, promoted, and dead soon after: 64 clients' batches made four full
 * collections a second (docs/performance.md, round 10). The batch's room among the items in
 * flight is given back ({@link #close}) once the array has left.
 */
public final class BatchAnswers implements AutoCloseable {
    private final byte[][] answers;
    private final BatchAdmission.Room room;

    public BatchAnswers(byte[][] answers, BatchAdmission.Room room) {
        this.answers = answers;
        this.room = room;
    }

    /** The array's length in bytes. */
    public int length() {
        int size = 2 + Math.max(0, answers.length - 1);
        for (byte[] a : answers) {
            size += a.length;
        }
        return size;
    }

    /** Writes the array, {@link #length()} bytes. */
    public void writeTo(OutputStream out) throws IOException {
        out.write('[');
        for (int i = 0; i < answers.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(answers[i]);
        }
        out.write(']');
    }

    /** Gives the batch's room back: once its answer has left, or the connection closed. */
    @Override
    public void close() {
        room.close();
    }
}
