package dev.gpuconfig.reload;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** GET /v1/rules: the rule set in force and the last attempt to load the folder. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RulesStatus(String folder, Active active, LoadAttempt lastAttempt) {

    public record Active(String version, Instant activatedAt, List<String> files, int ruleCount, int models, int gpus) {
    }

    public static RulesStatus of(RulesManager m) {
        Active a = m.active().map(rs -> new Active(rs.version(), rs.builtAt(), rs.files(), rs.ruleCount(),
                rs.models().size(), rs.gpus().all().size())).orElse(null);
        return new RulesStatus(m.folder().toString(), a, m.lastAttempt());
    }
}
