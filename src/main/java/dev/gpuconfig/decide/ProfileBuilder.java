package dev.gpuconfig.decide;

import dev.gpuconfig.catalog.ModelCatalog;
import dev.gpuconfig.catalog.ModelSpec;
import dev.gpuconfig.catalog.PolicySettings;
import dev.gpuconfig.profile.MemoryMath;
import dev.gpuconfig.profile.ModelConfig;
import dev.gpuconfig.modelid.ModelName;
import dev.gpuconfig.profile.ModelProfile;
import dev.gpuconfig.modelid.Quantization;

import java.util.List;
import java.util.Optional;

/**
 * Name, catalog and request into one profile. Precedence: what the request states, then the
 * catalog row the name's tokens find, then the name, then the policy default.
 */
public final class ProfileBuilder {

    private static final double MAX_NAME_SIZE_B = Double.parseDouble(DecideRequest.MAX_PARAMS_B);

    private ProfileBuilder() {
    }

    public static ModelProfile build(DecideRequest req, ModelCatalog catalog, PolicySettings s) {
        ModelName name = ModelName.parse(req.model());
        if (name.unsupportedFormat() != null) {
            throw DecideException.unservable("Format not supported by vLLM", req.model() + " is an "
                    + name.unsupportedFormat() + " checkpoint, which vLLM cannot load; use the original or an AWQ, GPTQ, FP8 or GGUF variant");
        }
        if (name.sizeB() != null && !(name.sizeB() <= MAX_NAME_SIZE_B)) {
            throw DecideException.invalid("model: the size its name gives (" + name.sizeB() + "B) is above "
                    + DecideRequest.MAX_PARAMS_B + "B; send paramsBillions if the name is not the size");
        }
        Optional<ModelSpec> hit = catalog.lookup(name.tokens()).filter(spec -> agrees(spec, name));
        ModelConfig config = config(req);
        ModelProfile p = new ModelProfile();
        p.setModelId(req.model());
        p.setWeightsBytes(req.weightsBytes());

        // size: the request, the model's own config, the catalog, the name, the weights' bytes, the policy's default
        if (req.paramsBillions() != null) {
            p.setTotalParamsB(req.paramsBillions());
            p.setSizeSource("request");
        } else if (config != null) {
            boolean exact = config.quantization() == Quantization.NONE && req.weightsBytes() != null;
            p.setTotalParamsB(exact ? req.weightsBytes() / config.bytesPerParam() / 1e9 : config.paramsB());
            p.setSizeSource("config");
            ConfigNotes.compare(p, config, name, req.weightsBytes());
        } else if (hit.isPresent()) {
            p.setTotalParamsB(hit.get().totalParamsB());
            p.setSizeSource("catalog");
        } else if (name.sizeB() != null) {
            p.setTotalParamsB(name.sizeB());
            p.setSizeSource("name");
            p.setSizeFromExperts(name.sizeFromExperts());
        } else if (req.weightsBytes() != null) {
            Quantization named = req.quantization() != null ? req.quantization() : name.quantization();
            p.setTotalParamsB(req.weightsBytes() / bytesPerParam(named) / 1e9);
            p.setSizeSource("weights");
        } else if (s.defaultParamsBillions() != null) {
            p.setTotalParamsB(s.defaultParamsBillions());
            p.setSizeSource("default");
        } else {
            throw DecideException.unservable("Model size unknown", "neither the request, the catalog nor the name gives the size of "
                    + req.model() + ": send its config.json as \"config\" and the bytes of its weight files as \"weightsBytes\""
                    + " (or \"paramsBillions\"); the Python client does this itself for Hugging Face ids and local folders");
        }
        p.setActiveParamsB(config != null ? config.activeParamsB() : hit.map(ModelSpec::activeParamsB).orElse(name.activeB()));
        p.setMoe(p.getActiveParamsB() != null || name.experts() != null || name.moeWord());

        // format: the request, else the name, else the official checkpoint's format
        Quantization q = name.quantization();
        int bits = name.quantBits();
        if (config != null && config.quantization() != Quantization.NONE) {
            q = config.quantization(); // what the checkpoint holds, whatever the name says
            bits = bits(q);
        } else if (q == Quantization.NONE && !name.explicit16Bit() && hit.isPresent() && hit.get().nativeQuant() != null) {
            q = Quantization.fromWire(hit.get().nativeQuant()).orElse(Quantization.NONE);
            bits = q == Quantization.FP8 ? 8 : 4;
        }
        if (req.quantization() != null && req.quantization() != q) {
            p.setOnlineQuantization(q == Quantization.NONE
                    && (req.quantization() == Quantization.FP8 || req.quantization() == Quantization.BNB));
            q = req.quantization();
            bits = bits(q);
        }
        p.setQuantization(q.wire());
        p.setQuantBits(bits);
        p.setGguf(q == Quantization.GGUF);
        if (p.isGguf()) {
            p.setGgufType(name.ggufType() != null ? name.ggufType() : "Q4_K_M");
            p.setGgufTypeAssumed(name.ggufType() == null);
        }
        p.setSharded(req.sharded() != null ? req.sharded() : name.sharded());

        // architecture
        if (config != null) {
            p.setCatalogKey(hit.map(ModelSpec::key).orElse(null));
            p.setFamily(hit.map(ModelSpec::family).orElse(familyFromName(name.tokens())));
            p.setKind(config.kind());
            p.setAttentionHeads(config.attentionHeads());
            p.setKvHeads(config.kvHeads());
            p.setMla(config.mlaWidth() != null);
            p.setKvBytesPerToken(MemoryMath.kvBytesPerToken(config.layers(), config.kvHeads(), config.headDim(), config.mlaWidth()));
            p.setNativeContext(config.nativeContext());
            p.setNativeContextKnown(true);
        } else if (hit.isPresent()) {
            ModelSpec m = hit.get();
            p.setCatalogKey(m.key());
            p.setFamily(m.family());
            p.setKind(m.kind());
            p.setAttentionHeads(m.attentionHeads());
            p.setKvHeads(m.kvHeads());
            p.setMla(m.mlaWidth() != null);
            p.setKvBytesPerToken(MemoryMath.kvBytesPerToken(m.layers(), m.kvHeads(), m.headDim(), m.mlaWidth()));
            p.setNativeContext(m.nativeContext());
            p.setNativeContextKnown(true);
        } else {
            p.setFamily(familyFromName(name.tokens()));
            p.setKvBytesPerToken(MemoryMath.estimateKvBytesPerToken(p.getTotalParamsB(), s.kvEstimateBytesAt8B()));
            p.setKvEstimated(true);
            if (req.contextLength() != null) {
                // The caller knows the model; trust its context as the native one.
                p.setNativeContext(req.contextLength());
                p.setNativeContextKnown(true);
            } else {
                p.setNativeContext(s.contextUnknownModel());
            }
        }
        return p;
    }

    private static ModelConfig config(DecideRequest req) {
        if (req.config() == null) {
            return null;
        }
        try {
            return ModelConfig.read(req.config());
        } catch (IllegalArgumentException e) {
            throw DecideException.invalid(e.getMessage());
        }
    }

    static int bits(Quantization q) {
        return switch (q) {
            case NONE -> 16;
            case FP8, INT8 -> 8;
            case GGUF -> 0;
            default -> 4;
        };
    }

    /** Bytes a parameter takes in a checkpoint of format {@code q}, with 4-bit formats' scales. */
    private static double bytesPerParam(Quantization q) {
        return switch (q) {
            case NONE -> 2;
            case FP8, INT8 -> 1.03;
            case GGUF -> 0.6;
            default -> 0.57;
        };
    }

    /**
     * A catalog row whose key states no size must not answer a name that states a very different
     * one ("mixtral" must not size "Mixtral-8x22B"); rows with the size in the key always agree.
     */
    private static boolean agrees(ModelSpec spec, ModelName name) {
        if (name.sizeB() == null || name.sizeFromExperts()) {
            return true;
        }
        double ratio = spec.totalParamsB() / name.sizeB();
        boolean activeMatches = spec.activeParamsB() != null && Math.abs(spec.activeParamsB() / name.sizeB() - 1) < 0.35;
        return activeMatches || (ratio > 0.6 && ratio < 1.67);
    }

    /** The tokens before the first size token, e.g. "internlm2.5" for internlm2_5-7b-chat. */
    static String familyFromName(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            if (ModelName.isSizeOrExperts(t)) {
                break;
            }
            if (!sb.isEmpty()) {
                sb.append('-');
            }
            sb.append(t);
        }
        return sb.isEmpty() ? String.join("-", tokens) : sb.toString();
    }
}
