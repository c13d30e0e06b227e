package dev.gpuconfig.decide;

import dev.gpuconfig.catalog.ModelCatalog;
import dev.gpuconfig.catalog.ModelSpec;
import dev.gpuconfig.catalog.PolicySettings;
import dev.gpuconfig.profile.MemoryMath;
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
        ModelProfile p = new ModelProfile();
        p.setModelId(req.model());

        // size
        if (req.paramsBillions() != null) {
            p.setTotalParamsB(req.paramsBillions());
            p.setSizeSource("request");
        } else if (hit.isPresent()) {
            p.setTotalParamsB(hit.get().totalParamsB());
            p.setSizeSource("catalog");
        } else if (name.sizeB() != null) {
            p.setTotalParamsB(name.sizeB());
            p.setSizeSource("name");
            p.setSizeFromExperts(name.sizeFromExperts());
        } else {
            p.setTotalParamsB(s.defaultParamsBillions());
            p.setSizeSource("default");
        }
        p.setActiveParamsB(hit.map(ModelSpec::activeParamsB).orElse(name.activeB()));
        p.setMoe(p.getActiveParamsB() != null || name.experts() != null || name.moeWord());

        // format: the request, else the name, else the official checkpoint's format
        Quantization q = name.quantization();
        int bits = name.quantBits();
        if (q == Quantization.NONE && !name.explicit16Bit() && hit.isPresent() && hit.get().nativeQuant() != null) {
            q = Quantization.fromWire(hit.get().nativeQuant()).orElse(Quantization.NONE);
            bits = q == Quantization.FP8 ? 8 : 4;
        }
        if (req.quantization() != null && req.quantization() != q) {
            p.setOnlineQuantization(q == Quantization.NONE
                    && (req.quantization() == Quantization.FP8 || req.quantization() == Quantization.BNB));
            q = req.quantization();
            bits = switch (q) {
                case NONE -> 16;
                case FP8, INT8 -> 8;
                case GGUF -> 0;
                default -> 4;
            };
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
        if (hit.isPresent()) {
            ModelSpec m = hit.get();
            p.setCatalogKey(m.key());
            p.setFamily(m.family());
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
