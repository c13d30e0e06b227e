package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.Decider;
import dev.gpuconfig.decide.PolicyException;
import dev.gpuconfig.decide.RequestReader;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.modelid.Quantization;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of POST /v1/oom: {"decision": <a decide answer as received>, "error": "…",
 * "attempt": n}. Only the fields a recovery needs are read, each checked with a message that
 * names it; the model's profile is recomputed from the same request so it cannot be forged.
 */
final class FailedDecisionReader {
    static final int MAX_ERROR_CHARS = 200_000;

    private FailedDecisionReader() {
    }

    static OomService.FailedDeployment read(JsonNode body, RuleSet rs) {
        if (body == null || !body.isObject()) {
            throw DecideException.invalid("the body must be a JSON object: {\"decision\": …, \"error\": \"…\", \"attempt\": 1}");
        }
        JsonNode d = body.get("decision");
        if (d == null || !d.isObject()) {
            throw DecideException.invalid("decision must be the decide answer that failed, as a JSON object");
        }
        JsonNode err = body.get("error");
        if (err == null || !err.isTextual()) {
            throw DecideException.invalid("error must be the text vLLM or CUDA printed, as a string");
        }
        if (err.asText().length() > MAX_ERROR_CHARS) {
            throw DecideException.invalid("error is longer than " + MAX_ERROR_CHARS + " characters; send the last lines");
        }
        int attempt = 1;
        JsonNode a = body.get("attempt");
        if (a != null && !a.isNull()) {
            if (!a.isIntegralNumber() || a.asLong() < 1 || a.asLong() > 1000) {
                throw DecideException.invalid("attempt must be a whole number from 1 to 1000");
            }
            attempt = a.asInt();
        }
        String model = text(d, "model");
        String why = dev.gpuconfig.modelid.ModelName.invalidReason(model);
        if (why != null) {
            throw DecideException.invalid("decision." + why);
        }
        GpuSpec gpu = gpu(rs, text(d, "gpu"), "decision.gpu");
        int count = integer(d, "gpuCount", 1, 8);
        double util = number(d, "memoryUtilization");
        JsonNode args = d.get("engineArgs");
        if (args == null || !args.isObject()) {
            throw DecideException.invalid("decision.engineArgs must be the object the decision carried");
        }
        int maxLen = integer(args, "max_model_len", 1, RequestReader.MAX_CONTEXT);
        Integer seqs = args.has("max_num_seqs") ? integer(args, "max_num_seqs", 1, 65536) : null;
        JsonNode eager = args.get("enforce_eager");
        if (eager != null && !eager.isNull() && !eager.isBoolean()) {
            throw DecideException.invalid("decision.engineArgs.enforce_eager must be true or false");
        }
        Integer target = d.has("contextTarget") ? integer(d, "contextTarget", 1, RequestReader.MAX_CONTEXT) : null;
        JsonNode profile = d.get("profile");
        Quantization q = null;
        Boolean sharded = null;
        Double params = null;
        if (profile != null && profile.isObject()) {
            String qt = profile.path("quantization").asText(null);
            q = qt == null ? null : Quantization.fromWire(qt).orElseThrow(() -> DecideException.invalid(
                    "decision.profile.quantization '" + qt + "' is not one of " + Quantization.wireNames()));
            sharded = profile.path("sharded").isBoolean() ? profile.get("sharded").asBoolean() : null;
            if ("request".equals(profile.path("sizeSource").asText()) && profile.path("totalParamsBillions").isNumber()) {
                params = profile.get("totalParamsBillions").asDouble();
            }
        }
        List<Candidate> fallbacks = new ArrayList<>();
        JsonNode fb = d.get("fallbacks");
        if (fb != null && !fb.isNull()) {
            if (!fb.isArray()) {
                throw DecideException.invalid("decision.fallbacks must be an array");
            }
            for (JsonNode f : fb) {
                if (!f.isObject()) {
                    throw DecideException.invalid("each of decision.fallbacks must be an object with gpu and gpuCount");
                }
                fallbacks.add(new Candidate(gpu(rs, text(f, "gpu"), "decision.fallbacks[].gpu"), integer(f, "gpuCount", 1, 8)));
            }
        }
        DecideRequest req = new DecideRequest(model, target, params, q, sharded, null);
        DecideResponse recomputed;
        try {
            recomputed = Decider.decide(rs, req);
        } catch (DecideException e) {
            if (e instanceof PolicyException) {
                throw e;
            }
            throw DecideException.invalid("the failed decision cannot be reproduced: " + e.getMessage());
        }
        return new OomService.FailedDeployment(recomputed, new DecideRequest(model, recomputed.contextTarget(), params, q, sharded, null),
                gpu, count, util, maxLen, seqs, eager != null && eager.asBoolean(), fallbacks, err.asText(), attempt);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw DecideException.invalid("decision." + field + " is required");
        }
        if (!v.isTextual()) {
            throw DecideException.invalid("decision." + field + " must be a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field, long min, long max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw DecideException.invalid(field + " must be a whole number from " + min + " to " + max);
        }
        return v.asInt();
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0) || v.asDouble() >= 1) {
            throw DecideException.invalid("decision." + field + " must be a number between 0 and 1");
        }
        return v.asDouble();
    }

    private static GpuSpec gpu(RuleSet rs, String name, String field) {
        return rs.gpus().find(name).orElseThrow(() -> DecideException.invalid(field + " '" + name + "' is not one of " + rs.gpus().all()));
    }
}
