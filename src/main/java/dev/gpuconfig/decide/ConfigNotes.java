package dev.gpuconfig.decide;

import dev.gpuconfig.modelid.ModelName;
import dev.gpuconfig.modelid.Quantization;
import dev.gpuconfig.profile.ModelConfig;
import dev.gpuconfig.profile.ModelProfile;

import java.util.Locale;

/**
 * What a config.json says against itself, the model's name and its weights' bytes: the answer
 * follows the config and says where they disagree, so a wrong config or a misleading name is seen.
 */
final class ConfigNotes {
    private ConfigNotes() {
    }

    static void compare(ModelProfile p, ModelConfig config, ModelName name, Long weightsBytes) {
        if (config.attentionHeads() % config.kvHeads() != 0) {
            p.getNotes().add(new ModelProfile.Note("CONFIG_INCONSISTENT", config.attentionHeads() + " attention heads are no multiple of "
                    + config.kvHeads() + " KV heads"));
        }
        if (name.sizeB() != null && !name.sizeFromExperts()) {
            double ratio = p.getTotalParamsB() / name.sizeB();
            boolean active = config.activeParamsB() != null && Math.abs(config.activeParamsB() / name.sizeB() - 1) < 0.35;
            if (!active && (ratio < 0.6 || ratio > 1.67)) {
                p.getNotes().add(new ModelProfile.Note("CONFIG_VS_NAME", String.format(Locale.ROOT,
                        "the name says %sB, config.json describes %.1fB parameters; the config is followed", trim(name.sizeB()),
                        p.getTotalParamsB())));
            }
        }
        if (weightsBytes != null && config.quantization() == Quantization.NONE) {
            double described = config.paramsB() * 1e9 * config.bytesPerParam();
            if (Math.abs(weightsBytes / described - 1) > 0.15) {
                p.getNotes().add(new ModelProfile.Note("CONFIG_VS_WEIGHTS", String.format(Locale.ROOT,
                        "config.json describes about %.1fB parameters (%.1f GB), the weight files hold %.1f GB; the weights' bytes are followed",
                        config.paramsB(), described / 1e9, weightsBytes / 1e9)));
            }
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
