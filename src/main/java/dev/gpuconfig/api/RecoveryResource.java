package dev.gpuconfig.api;

import dev.gpuconfig.recovery.DiagnosticsRequest;
import dev.gpuconfig.recovery.DiagnosticsService;
import dev.gpuconfig.recovery.OomRequest;
import dev.gpuconfig.recovery.OomResponse;
import dev.gpuconfig.recovery.OomService;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.util.concurrent.CompletionStage;

/** After a failure and at container start: what to try next, and whether a decision holds on a device. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RecoveryResource {
    private final OomService oom;
    private final DiagnosticsService diagnostics;

    public RecoveryResource(OomService oom, DiagnosticsService diagnostics) {
        this.oom = oom;
        this.diagnostics = diagnostics;
    }

    // Both answer on the decision threads and take their bodies whole on the I/O thread first. As
    // blocking methods, a worker thread read the body as it arrived, and a client that left
    // mid-body was counted as a 500 in the HTTP metrics besides the reset it is.
    @POST
    @Path("/oom")
    @NonBlocking
    public CompletionStage<OomResponse> oom(@RequestBody(required = true) OomRequest body) {
        return oom.recoverAsync(body);
    }

    @POST
    @Path("/diagnostics")
    @NonBlocking
    public CompletionStage<DiagnosticsService.Report> diagnostics(@RequestBody(required = true) DiagnosticsRequest body) {
        return diagnostics.checkAsync(body);
    }
}
