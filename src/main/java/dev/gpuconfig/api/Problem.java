package dev.gpuconfig.api;

import dev.gpuconfig.decide.DecideException;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem object: the body of every error answer and of a failed batch item. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail) {

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail);
    }

    public static Problem of(DecideException e) {
        return of(e.status(), e.title(), e.getMessage());
    }
}
