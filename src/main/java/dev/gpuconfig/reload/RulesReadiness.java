package dev.gpuconfig.reload;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a valid rule set is active, and still ready while a later broken edit is refused
 * (the last good set keeps serving); the data say what was refused and why.
 */
@Readiness
@ApplicationScoped
public class RulesReadiness implements HealthCheck {
    private final RulesManager rules;

    public RulesReadiness(RulesManager rules) {
        this.rules = rules;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("rules");
        rules.active().ifPresent(rs -> b.withData("version", rs.version()).withData("ruleCount", rs.ruleCount()));
        LoadAttempt last = rules.lastAttempt();
        if (last != null) {
            b.withData("lastAttempt", last.result());
            if (!last.ok()) {
                b.withData("lastErrors", last.errors().toString());
            }
        }
        return b.status(rules.active().isPresent()).build();
    }
}
