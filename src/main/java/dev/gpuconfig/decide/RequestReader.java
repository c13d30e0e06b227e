package dev.gpuconfig.decide;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpuconfig.modelid.Quantization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.util.Comparator;
import java.util.Locale;
import java.util.Set;

/**
 * Reads decide requests the one way, whichever way they came: a JSON body (bound by Jackson, which
 * refuses wrong types: {@link RequestJson}), query parameters, or a batch item, each into a
 * {@link DecideRequest}; {@link #check} holds it to the Bean Validation constraints declared there.
 * A refusal names the field.
 */
@ApplicationScoped
public class RequestReader {
    private final Validator validator;
    private final ObjectMapper json;

    public RequestReader(Validator validator, ObjectMapper json) {
        this.validator = validator;
        this.json = json;
    }

    /**
     * {@code request} (a decide, recovery or diagnostics body) when it keeps the limits its record
     * declares.
     * @throws DecideException invalid, naming the first field that breaks a limit
     */
    public <T> T check(T request) {
        if (request == null) {
            throw DecideException.invalid("the body must be a JSON object");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            ConstraintViolation<T> first = violations.stream()
                    .min(Comparator.comparing(v -> v.getPropertyPath().toString())).orElseThrow();
            String field = first.getPropertyPath().toString();
            String message = first.getMessage();
            throw DecideException.invalid(message.startsWith(field + " ") ? message : field + " " + message);
        }
        return request;
    }

    /** A batch item, bound the way a JSON body is (not yet checked). */
    public DecideRequest fromJson(JsonNode item) {
        if (item == null || !item.isObject()) {
            throw DecideException.invalid("each batch item must be a JSON object with at least \"model\"");
        }
        try {
            return json.treeToValue(item, DecideRequest.class);
        } catch (JsonProcessingException e) {
            throw RequestJson.refusal(e);
        }
    }

    /** Query parameters (GET /v1/gpu-config), each parsed as its JSON field would be (not yet checked). */
    public DecideRequest fromQuery(String model, String contextLength, String paramsBillions, String quantization,
                                   String sharded, String gpu) {
        Integer ctx = null;
        if (contextLength != null) {
            try {
                long v = Long.parseLong(contextLength.trim());
                ctx = v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? Integer.MAX_VALUE : (int) v;
            } catch (NumberFormatException e) {
                throw DecideException.invalid("contextLength must be a whole number of tokens");
            }
        }
        Double params = null;
        if (paramsBillions != null) {
            try {
                params = Double.parseDouble(paramsBillions.trim());
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
        Quantization q;
        try {
            q = quantization == null ? null : Quantization.fromJson(quantization);
        } catch (IllegalArgumentException e) {
            throw DecideException.invalid(e.getMessage());
        }
        return new DecideRequest(model, ctx, params, q, shard, gpu);
    }
}
