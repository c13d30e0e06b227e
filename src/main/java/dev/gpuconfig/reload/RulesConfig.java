package dev.gpuconfig.reload;


import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

/** Typed configuration under {@code gpu.*} (environment: GPU_RULES_DIR, GPU_ADMIN_TOKEN, …). */
@ConfigMapping(prefix = "gpu")
public interface RulesConfig {

    Rules rules();

    Admin admin();

    interface Rules {
        /** The rules folder; relative paths resolve against the working directory. */
        @WithDefault("rules")
        String dir();

        /** Follow edits to the folder without a restart. */
        @WithDefault("true")
        boolean watch();

        /** How long the folder must stay quiet before a change is loaded. */
        @WithName("settle-ms")
        @WithDefault("300")
        long settleMs();

        /** Throw-away builds right after start, so the first edit is built by compiled code (0 turns this off). */
        @WithName("warmup-builds")
        @WithDefault("3")
        int warmupBuilds();

        /**
         * How long after start the warm-up builds wait: a deployment's first calls come right after
         * the service is ready, and builds running beside them would take the cores they need.
         */
        @WithName("warmup-delay-ms")
        @WithDefault("5000")
        long warmupDelayMs();

        /**
         * How long building a folder and running its policy tests may take: a rule whose action
         * never returns is refused after it, and the next edit is built as usual.
         */
        @WithName("build-deadline-ms")
        @WithDefault("20000")
        long buildDeadlineMs();

        /** Pooled Drools sessions per rule set: about the number of request threads that decide at once. */
        @WithName("session-pool")
        @WithDefault("16")
        int sessionPool();
    }

    interface Admin {
        /** Bearer token for POST /v1/rules/reload; without one the endpoint is off. */
        Optional<String> token();
    }
}
