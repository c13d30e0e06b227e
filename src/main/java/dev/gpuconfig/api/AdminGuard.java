package dev.gpuconfig.api;

import dev.gpuconfig.reload.RulesConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks the admin bearer token; with no token configured, admin calls are off (403). */
@ApplicationScoped
public class AdminGuard {
    private final RulesConfig config;

    public AdminGuard(RulesConfig config) {
        this.config = config;
    }

    public void check(String authorization) {
        String token = config.admin().token().filter(t -> !t.isBlank()).orElse(null);
        if (token == null) {
            throw new AdminException(403, "Admin calls are off", "no admin token is configured (gpu.admin.token / GPU_ADMIN_TOKEN)");
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new AdminException(401, "Unauthorized", "send Authorization: Bearer <admin token>");
        }
        byte[] given = authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))) {
            throw new AdminException(401, "Unauthorized", "the admin token does not match");
        }
    }
}
