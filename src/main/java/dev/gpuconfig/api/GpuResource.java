package dev.gpuconfig.api;

import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.decide.DecisionService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The GPU catalog in force. */
@Path("/v1/gpus")
@Produces(MediaType.APPLICATION_JSON)
public class GpuResource {
    private final DecisionService service;

    public GpuResource(DecisionService service) {
        this.service = service;
    }

    @GET
    public List<GpuSpec> gpus() {
        return service.ruleSet().gpus().all();
    }
}
