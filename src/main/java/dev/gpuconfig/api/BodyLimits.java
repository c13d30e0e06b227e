package dev.gpuconfig.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.Optional;

/**
 * The most bytes each endpoint's body may hold, refused with a 413 problem before anything is
 * read or parsed: a decide request needs a few hundred bytes (a few KB with its config.json), a recovery report the last lines of
 * a traceback, a batch of 1,000 items under 200 KB. Bodies sent without a length are bounded by
 * the server's own limit ({@code quarkus.http.limits.max-body-size}, the largest of these).
 */
public class BodyLimits {
    static final Map<String, Integer> BYTES = Map.of(
            "/v1/gpu-config", 64 * 1024,
            "/v1/gpu-config/batch", 1024 * 1024,
            "/v1/oom", 256 * 1024,
            "/v1/diagnostics", 64 * 1024,
            "/v1/outcomes", 64 * 1024);
    /** Admin calls and anything else take no body worth reading. */
    static final int OTHER = 1024;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> refuseLargeBodies(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length == null) {
            return Optional.empty();
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Optional.of(ProblemMappers.problem(Problem.of(400, "Invalid request", "Content-Length must be a number of bytes")));
        }
        int limit = BYTES.getOrDefault(request.path(), OTHER);
        if (bytes <= limit) {
            return Optional.empty();
        }
        return Optional.of(ProblemMappers.problem(Problem.of(413, "Body too large", request.method() + " " + request.path()
                + " takes a body of at most " + limit + " bytes; this one has " + bytes)));
    }
}
