package dev.gpuconfig.profile;

/**
 * The physics of a vLLM deployment, as plain functions: weight bytes from parameters and the
 * format, KV cache bytes per token from the attention shape (serving-facts: 2 × layers × kv heads ×
 * head dim × bytes; MLA: layers × latent width × bytes).
 */
public final class MemoryMath {
    public static final double GIB = 1024.0 * 1024 * 1024;

    private MemoryMath() {
    }

    /**
     * Weights in GiB. Quantized formats keep embeddings and the LM head at 16 bits (about
     * {@code embeddingShare} of the parameters, at most {@code embeddingMaxB} billions), which
     * dominates small models: Llama-3.1-8B-AWQ is 5.7 GB, not 8 × 0.55.
     */
    public static double weightsGiB(double totalParamsB, double bytesPerParam, boolean embeddings16,
                                     double embeddingShare, double embeddingMaxB) {
        double bytes = totalParamsB * 1e9 * bytesPerParam;
        if (embeddings16 && bytesPerParam < 2) {
            double embeddingsB = Math.min(totalParamsB * embeddingShare, embeddingMaxB);
            bytes += embeddingsB * 1e9 * (2 - bytesPerParam);
        }
        return bytes / GIB;
    }

    /** KV bytes per token at 16 bits for a known architecture. */
    public static long kvBytesPerToken(int layers, int kvHeads, int headDim, Integer mlaWidth) {
        if (mlaWidth != null) {
            return (long) layers * mlaWidth * 2;
        }
        return 2L * layers * kvHeads * headDim * 2;
    }

    /**
     * KV bytes per token for an unknown architecture: a grouped-query 8B model holds 128 KiB per
     * token, and the figure grows about with the square root of size (Llama-3-70B: 320 KiB).
     */
    public static long estimateKvBytesPerToken(double paramsB, long atEightB) {
        return Math.max(8192L, Math.round(atEightB * Math.sqrt(Math.max(paramsB, 0.01) / 8.0)));
    }

    public static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
