package dev.gpuconfig.batch;

/** What answering a batch needs from the connection of the client who sent it. */
public interface BatchClient {
    /** Whether the client still waits for the answer: false once its connection has closed. */
    boolean waits();

    /**
     * Runs {@code release} once, when the answer about to be handed over has left the process or
     * never will (the connection closed). Called before the answer is handed over.
     */
    void whenWritten(Runnable release);
}
