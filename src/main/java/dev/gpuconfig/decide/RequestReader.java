package dev.gpuconfig.decide;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuconfig.modelid.ModelName;
import dev.gpuconfig.modelid.Quantization;

import java.util.Locale;

/**
 * Turns a JSON body or query parameters into a {@link DecideRequest}, rejecting wrong types and
 * out-of-range values with a message that names the field. Reading the JSON tree by hand, rather
 * than binding, keeps "1.5 for an integer" or "a string for a boolean" from being coerced.
 */
public final class RequestReader {
    public static final int MAX_CONTEXT = 16 * 1024 * 1024;
    public static final double MAX_PARAMS_B = 100_000;

    private RequestReader() {
    }

    public static DecideRequest fromJson(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw DecideException.invalid("the body must be a JSON object with at least \"model\"");
        }
        if (!body.isObject()) {
            throw DecideException.invalid("the body must be a JSON object, not " + body.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        JsonNode model = body.get("model");
        if (model != null && !model.isNull() && !model.isTextual()) {
            throw DecideException.invalid("model must be a string");
        }
        Integer ctx = null;
        JsonNode c = body.get("contextLength");
        if (c != null && !c.isNull()) {
            if (!c.isIntegralNumber() || !c.canConvertToLong()) {
                throw DecideException.invalid("contextLength must be a whole number of tokens");
            }
            ctx = context(c.asLong());
        }
        Double params = null;
        JsonNode p = body.get("paramsBillions");
        if (p != null && !p.isNull()) {
            if (!p.isNumber()) {
                throw DecideException.invalid("paramsBillions must be a number");
            }
            params = params(p.asDouble());
        }
        Boolean sharded = null;
        JsonNode s = body.get("sharded");
        if (s != null && !s.isNull()) {
            if (!s.isBoolean()) {
                throw DecideException.invalid("sharded must be true or false");
            }
            sharded = s.asBoolean();
        }
        return build(model == null || model.isNull() ? null : model.asText(), ctx, params,
                text(body, "quantization"), sharded, text(body, "gpu"));
    }

    public static DecideRequest fromQuery(String model, String contextLength, String paramsBillions, String quantization,
                                          String sharded, String gpu) {
        Integer ctx = null;
        if (contextLength != null) {
            try {
                ctx = context(Long.parseLong(contextLength.trim()));
            } catch (NumberFormatException e) {
                throw DecideException.invalid("contextLength must be a whole number of tokens");
            }
        }
        Double params = null;
        if (paramsBillions != null) {
            try {
                params = params(Double.parseDouble(paramsBillions.trim()));
            } catch (NumberFormatException e) {
                throw DecideException.invalid("paramsBillions must be a number");
            }
        }
        Boolean shard = null;
        if (sharded != null) {
            String v = sharded.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw DecideException.invalid("sharded must be true or false");
            }
            shard = Boolean.valueOf(v);
        }
        return build(model, ctx, params, quantization, shard, gpu);
    }

    private static DecideRequest build(String model, Integer ctx, Double params, String quant, Boolean sharded, String gpu) {
        String why = ModelName.invalidReason(model);
        if (why != null) {
            throw DecideException.invalid(why);
        }
        Quantization q = null;
        if (quant != null) {
            q = Quantization.fromWire(quant).orElseThrow(() -> DecideException.invalid(
                    "quantization '" + quant + "' is not one of " + Quantization.wireNames()));
        }
        if (gpu != null && gpu.isBlank()) {
            throw DecideException.invalid("gpu must name a GPU type, e.g. L40S");
        }
        return new DecideRequest(model, ctx, params, q, sharded, gpu == null ? null : gpu.trim());
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw DecideException.invalid(field + " must be a string");
        }
        return n.asText();
    }

    private static int context(long v) {
        if (v < 1 || v > MAX_CONTEXT) {
            throw DecideException.invalid("contextLength must be between 1 and " + MAX_CONTEXT + " tokens");
        }
        return (int) v;
    }

    private static double params(double v) {
        if (!(v > 0) || v > MAX_PARAMS_B || Double.isInfinite(v)) {
            throw DecideException.invalid("paramsBillions must be above 0 and at most " + (long) MAX_PARAMS_B);
        }
        return v;
    }
}
