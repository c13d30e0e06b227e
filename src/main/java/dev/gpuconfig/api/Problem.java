package dev.gpuconfig.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gpuconfig.decide.DecideException;

/** An RFC 9457 problem object: the body of every error answer and of a failed batch item. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail) {

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail);
    }

    /** The problem a refusal is answered with; its status is the one place a domain refusal gets an HTTP status. */
    public static Problem of(DecideException e) {
        return of(status(e.kind()), e.title(), e.getMessage());
    }

    static int status(DecideException.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNSERVABLE -> 422;
            case NOT_READY, BUSY -> 503;
            case POLICY_FAILED -> 500;
        };
    }
}
