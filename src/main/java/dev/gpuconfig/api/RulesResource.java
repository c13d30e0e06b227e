package dev.gpuconfig.api;

import dev.gpuconfig.changes.ChangeLog;
import dev.gpuconfig.changes.ChangeReport;
import dev.gpuconfig.reload.RulesManager;
import dev.gpuconfig.reload.RulesStatus;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.PolicyTestRunner;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSet;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;


/** The rule set in force, the last load attempt, what the last activations changed; an authenticated reload. */
@Path("/v1/rules")
@Produces(MediaType.APPLICATION_JSON)
public class RulesResource {
    private final RulesManager rules;
    private final AdminGuard guard;
    private final ChangeLog changes;
    private final DecisionService decisions;
    private final PolicyTestRunner tests;

    public RulesResource(RulesManager rules, AdminGuard guard, ChangeLog changes, DecisionService decisions, PolicyTestRunner tests) {
        this.rules = rules;
        this.guard = guard;
        this.changes = changes;
        this.decisions = decisions;
        this.tests = tests;
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

    /** The folder's policy tests with the answers of the rules in force (which passed them all to be activated). */
    @GET
    @Path("/tests")
    public List<PolicyTestRunner.CaseAnswer> tests() {
        RuleSet rs = decisions.hold();
        try {
            return tests.answers(rs, RuleFolder.read(rules.folder()));
        } finally {
            rs.release();
        }
    }

    /**
     * The last activation's comparison of decisions; with {@code last}, the last {@code last}
     * comparisons (at most 20 are kept), newest first.
     */
    @GET
    @Path("/changes")
    @APIResponse(responseCode = "200", description = "a comparison, or with ?last=N an array of them",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChangeReport.class)))
    public Object changes(@QueryParam("last") String last) {
        if (last == null) {
            return changes.last().orElseThrow(() -> new NotFoundException("no activation has been compared yet: the rules in force"
                    + " are the first, or their comparison is still running"));
        }
        int n;
        try {
            n = Integer.parseInt(last.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 20) {
            throw DecideException.invalid("last must be a whole number from 1 to 20");
        }
        return changes.last(n);
    }
}
