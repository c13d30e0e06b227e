package dev.gpuconfig.api;

import dev.gpuconfig.transport.BatchGate;
import dev.gpuconfig.transport.HttpBatchClient;

import dev.gpuconfig.batch.BatchAnswers;
import dev.gpuconfig.batch.BatchService;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.RequestReader;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.concurrent.CompletionStage;


/** Decide: which GPU, how many, what utilization, engine arguments and environment for a model. */
@Path("/v1/gpu-config")
@Produces(MediaType.APPLICATION_JSON)
public class GpuConfigResource {
    private final DecisionService service;
    private final BatchService batches;
    private final RequestReader requests;

    public GpuConfigResource(DecisionService service, BatchService batches, RequestReader requests) {
        this.service = service;
        this.batches = batches;
        this.requests = requests;
    }

    // An answer the rule set remembers takes well under a microsecond, so it is given on the I/O
    // thread: no hand-off to a worker pool. The service evaluates any other answer on its decision
    // threads (DecisionWorkers), as it does a batch's (below).
    // The answers leave as JSON bytes written once per rule set, so the OpenAPI document is told
    // what they hold: from the byte[] it would say "binary".
    @POST
    @NonBlocking
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "the decision",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DecideResponse.class)))
    public CompletionStage<byte[]> decide(@RequestBody(required = true) DecideRequest body) {
        return service.decideJson(body);
    }

    // Its own method name, because the OpenAPI document names operations after methods and an
    // operation id must be unique there.
    @GET
    @NonBlocking
    @APIResponse(responseCode = "200", description = "the decision",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DecideResponse.class)))
    public CompletionStage<byte[]> decideByQuery(@QueryParam("model") String model, @QueryParam("contextLength") String contextLength,
                                @QueryParam("paramsBillions") String paramsBillions,
                                @QueryParam("quantization") String quantization, @QueryParam("sharded") String sharded,
                                @QueryParam("gpu") String gpu) {
        return service.decideJson(requests.fromQuery(model, contextLength, paramsBillions, quantization, sharded, gpu));
    }

    // The batch waits for its turn holding no thread (BatchAdmission) and is answered on the
    // decision threads, so the method only starts it, on the I/O thread; its body, up to 1 MB, is
    // read whole before (quarkus.rest.input-buffer-size). It must not block: a blocking method
    // holds a worker thread while its body arrives, and each worker thread keeps its last batch's
    // answer (about 3 MB for 1,000 items) until it runs another request, enough to run the heap out.
    @POST
    @Path("/batch")
    @NonBlocking
    @BatchGate.Gated
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "the decisions in the order asked; an invalid item gets a problem object"
            + " (type, title, status, detail) in its place",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = DecideResponse.class)))
    public CompletionStage<BatchAnswers> batch(@RequestBody(required = true, description = "at most 1000 decide requests",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, maxItems = 1000,
            implementation = DecideRequest.class))) byte[] body, @Context RoutingContext http) {
        // the body as bytes: the service parses it once the batch has its turn
        return batches.decide(body, new HttpBatchClient(http));
    }
}
