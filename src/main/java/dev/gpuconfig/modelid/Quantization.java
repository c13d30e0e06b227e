package dev.gpuconfig.modelid;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Weight formats the service knows. The wire name is what clients send and read back
 * (`none|fp8|int8|gptq|awq|bnb|gguf|mxfp4` are the contract; `int4` and `nvfp4` are additions).
 */
public enum Quantization {
    NONE("none"), FP8("fp8"), INT8("int8"), INT4("int4"), GPTQ("gptq"), AWQ("awq"),
    BNB("bnb"), GGUF("gguf"), MXFP4("mxfp4"), NVFP4("nvfp4");

    private final String wire;

    Quantization(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Quantization> fromWire(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("bitsandbytes")) {
            return Optional.of(BNB);
        }
        return Arrays.stream(values()).filter(q -> q.wire.equals(t)).findFirst();
    }

    /**
     * The format a client names (any case; "bitsandbytes" for bnb), as JSON reads it.
     * @throws IllegalArgumentException naming the formats the service knows
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Quantization fromJson(String text) {
        return fromWire(text).orElseThrow(() -> new IllegalArgumentException(
                "quantization '" + text + "' is not one of " + wireNames()));
    }

    public static String wireNames() {
        return String.join("|", Arrays.stream(values()).map(Quantization::wire).toList());
    }
}
