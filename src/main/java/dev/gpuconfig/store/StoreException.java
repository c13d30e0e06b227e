package dev.gpuconfig.store;

/** The outcome store cannot be reached or written now: the request can be retried (503). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
