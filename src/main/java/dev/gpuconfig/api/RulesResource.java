package dev.gpuconfig.api;

import dev.gpuconfig.reload.RulesManager;
import dev.gpuconfig.reload.RulesStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** The rule set in force and the last load attempt; an authenticated reload. */
@Path("/v1/rules")
@Produces(MediaType.APPLICATION_JSON)
public class RulesResource {
    private final RulesManager rules;
    private final AdminGuard guard;

    public RulesResource(RulesManager rules, AdminGuard guard) {
        this.rules = rules;
        this.guard = guard;
    }

    @GET
    public RulesStatus status() {
        return RulesStatus.of(rules);
    }

    @POST
    @Path("/reload")
    public RulesStatus reload(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        guard.check(authorization);
        rules.reload("api");
        return RulesStatus.of(rules);
    }
}
