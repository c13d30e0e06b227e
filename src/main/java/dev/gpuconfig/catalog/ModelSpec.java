package dev.gpuconfig.catalog;

/**
 * A known model architecture from {@code rules/catalog/models.csv}. Figures come from the models'
 * own config.json; {@code activeParamsB} is set for mixtures of experts only, {@code mlaWidth}
 * only for multi-head latent attention (DeepSeek), {@code nativeQuant} where the official
 * checkpoint is quantized (gpt-oss ships MXFP4, DeepSeek V3 FP8).
 */
public record ModelSpec(String key, String family, double totalParamsB, Double activeParamsB, int layers,
                        int attentionHeads, int kvHeads, int headDim, Integer mlaWidth, int nativeContext,
                        Integer slidingWindow, String nativeQuant, String kind, String source, int line) {
    /** generate: a decoder LLM; embed: embedding, pooling or reranking; vision: a vision-language model. */
    public static final java.util.List<String> KINDS = java.util.List.of("generate", "embed", "vision");

    public boolean moe() {
        return activeParamsB != null;
    }
}
