package dev.gpuconfig.decide;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gpuconfig.catalog.Candidate;
import dev.gpuconfig.policy.Decision;
import dev.gpuconfig.policy.Fit;
import dev.gpuconfig.policy.Warning;
import dev.gpuconfig.profile.ModelProfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.gpuconfig.profile.MemoryMath.round;

/**
 * A decision as clients read it (docs/api.md): field names are the contract. Added beyond
 * the contract: modalGpu (Modal's gpu= value), pricePerHour, band, contextTarget, pinnedGpuFits,
 * excluded (candidates dropped as unable to start, with why).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecideResponse(String model, String gpu, int gpuCount, double memoryUtilization, String modalFunction,
                             String modalGpu, double pricePerHour, Map<String, Object> engineArgs,
                             Map<String, String> env, Profile profile, Memory memory, List<Fallback> fallbacks,
                             List<Warning> warnings, List<String> firedRules, String rulesVersion, String band,
                             int contextTarget, Boolean pinnedGpuFits, List<String> excluded) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Profile(String family, double totalParamsBillions, Double activeParamsBillions, String quantization, boolean moe,
                          boolean gguf, boolean sharded, String sizeSource, double weightsGiB, long kvBytesPerToken,
                          int nativeContextLength, String ggufType, String catalogKey) {
    }

    public record Memory(double gpuTotalGiB, double budgetGiB, double weightsGiB, double overheadGiB,
                         double kvCacheGiB, long maxTokensInKvCache, double kvBytesPerTokenPerGpu) {
    }

    /** A further configuration that fits, whole: it starts as it is with its own engine arguments and environment. */
    public record Fallback(String gpu, int gpuCount, double memoryUtilization, String modalFunction, String modalGpu,
                           long maxTokensInKvCache, Map<String, Object> engineArgs, Map<String, String> env) {
    }

    /** The answer to {@code req} from a filled decision, under the rules of version {@code rulesVersion}. */
    static DecideResponse of(String rulesVersion, DecideRequest req, ModelProfile p, Decision d) {
        Fit f = d.getChosen();
        Candidate c = f.candidate();
        double weightsTotal = round(f.weightsGiB() * c.count(), 2);
        DecideResponse.Profile profile = new DecideResponse.Profile(p.getFamily(), round(p.getTotalParamsB(), 3),
                p.getActiveParamsB(), p.getQuantization(), p.isMoe(), p.isGguf(), p.isSharded(), p.getSizeSource(),
                weightsTotal, p.getKvBytesPerToken(), p.getNativeContext(), p.getGgufType(), p.getCatalogKey());
        DecideResponse.Memory memory = new DecideResponse.Memory(f.gpuTotalGiB(), round(f.budgetGiB(), 2),
                round(f.weightsGiB(), 2), round(f.overheadGiB(), 2), round(f.kvCacheGiB(), 2), f.maxTokensInKvCache(),
                round(f.kvBytesPerTokenPerGpu(), 1));
        List<DecideResponse.Fallback> fallbacks = new ArrayList<>();
        for (Fit fb : d.getFallbacks()) {
            Candidate fc = fb.candidate();
            fallbacks.add(new DecideResponse.Fallback(fc.gpu().getName(), fc.count(), fb.utilization(),
                    fc.gpu().getModalFunction(), fc.label(), fb.maxTokensInKvCache(),
                    java.util.Collections.unmodifiableMap(d.argsFor(fb)), java.util.Collections.unmodifiableMap(d.getEnv())));
        }
        // answers may be shared between requests (memo): hand out only unmodifiable collections
        return new DecideResponse(req.model(), c.gpu().getName(), c.count(), f.utilization(), c.gpu().getModalFunction(),
                c.label(), round(c.pricePerHour(), 2), java.util.Collections.unmodifiableMap(d.getEngineArgs()),
                java.util.Collections.unmodifiableMap(d.getEnv()), profile, memory, List.copyOf(fallbacks),
                List.copyOf(d.getWarnings()), List.copyOf(d.getFiredRules()), rulesVersion, d.getBand(), d.getContextTarget(),
                d.getPinnedFits(), d.getExcluded().isEmpty() ? null : List.copyOf(d.getExcluded()));
    }
}
