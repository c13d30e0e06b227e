package dev.gpuconfig.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.RequestReader;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.concurrent.CompletionStage;


/** Decide: which GPU, how many, what utilization, engine arguments and environment for a model. */
@Path("/v1/gpu-config")
@Produces(MediaType.APPLICATION_JSON)
public class GpuConfigResource {
    private final DecisionService service;

    public GpuConfigResource(DecisionService service) {
        this.service = service;
    }

    // An answer the rule set remembers takes well under a microsecond, so it is given on the I/O
    // thread: no hand-off to a worker pool. The service evaluates any other answer on its decision
    // threads (DecisionWorkers). The batch endpoint, up to 1000 decisions, runs on a worker.
    @POST
    @NonBlocking
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<byte[]> decide(JsonNode body) {
        return service.decideJson(RequestReader.fromJson(body));
    }

    // Its own method name, because the OpenAPI document names operations after methods and an
    // operation id must be unique there.
    @GET
    @NonBlocking
    public CompletionStage<byte[]> decideByQuery(@QueryParam("model") String model, @QueryParam("contextLength") String contextLength,
                                @QueryParam("paramsBillions") String paramsBillions,
                                @QueryParam("quantization") String quantization, @QueryParam("sharded") String sharded,
                                @QueryParam("gpu") String gpu) {
        return service.decideJson(RequestReader.fromQuery(model, contextLength, paramsBillions, quantization, sharded, gpu));
    }

    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    public byte[] batch(JsonNode body) {
        return service.decideBatchJson(body);
    }
}
