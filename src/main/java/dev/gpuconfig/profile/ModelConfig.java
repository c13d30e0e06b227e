package dev.gpuconfig.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuconfig.modelid.Quantization;

import java.util.Locale;
import java.util.Set;

/**
 * What a model's {@code config.json} says, read the way vLLM reads it: the language model's
 * figures (under {@code text_config} for a vision-language model), the native context, mixture of
 * experts, multi-head latent attention, the checkpoint's weight format and the kind of model. The
 * parameter count is worked out from the figures (embeddings, attention, MLP or experts, LM head).
 *
 * @param kind          {@code generate}, {@code embed} (embedding, pooling, encoder-only) or {@code vision}
 * @param headDim       per-head width of the KV cache ({@code qk_nope + qk_rope} with MLA)
 * @param mlaWidth      {@code kv_lora_rank + qk_rope_head_dim} with multi-head latent attention, else null
 * @param slidingWindow the window when every layer attends only to it, else null
 * @param quantization  the checkpoint's format, from {@code quantization_config}; NONE for 16-bit
 * @param bytesPerParam of an unquantized checkpoint ({@code torch_dtype}), for sizes from {@code weightsBytes}
 */
public record ModelConfig(String modelType, String kind, int layers, int attentionHeads, int kvHeads, int headDim,
                          Integer mlaWidth, int nativeContext, Integer slidingWindow, Integer experts,
                          Quantization quantization, double bytesPerParam, double paramsB, Double activeParamsB) {

    /** Encoder-only families: embedding and pooling models with no generation and no LM head. */
    private static final Set<String> ENCODERS = Set.of("bert", "roberta", "xlm-roberta", "nomic_bert", "modernbert", "new",
            "distilbert", "electra", "deberta-v2", "mpnet", "jina_bert");
    /** Families whose MLP has two matrices (up, down) rather than three (gate, up, down). */
    private static final Set<String> PLAIN_MLP = Set.of("phi", "gpt2", "gpt_neox", "gpt_bigcode", "falcon", "starcoder2", "opt",
            "bloom", "mpt", "gptj", "bert", "roberta", "xlm-roberta", "distilbert", "electra", "deberta-v2", "mpnet");
    private static final int MAX_CONTEXT = 16 * 1024 * 1024;

    /**
     * Reads {@code config}.
     * @throws IllegalArgumentException naming the key that is missing or out of range
     */
    public static ModelConfig read(JsonNode config) {
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException("config must be the model's config.json, a JSON object");
        }
        JsonNode text = config.path("text_config").isObject() ? config.get("text_config") : config;
        String prefix = text == config ? "config." : "config.text_config.";
        String type = text.path("model_type").asText(config.path("model_type").asText("")).toLowerCase(Locale.ROOT);
        String arch = config.path("architectures").path(0).asText("");
        boolean encoder = ENCODERS.contains(type) || arch.endsWith("Model") && !arch.endsWith("ForCausalLM")
                && (arch.contains("Bert") || arch.contains("Roberta"));
        boolean vision = text != config || config.path("vision_config").isObject();
        String kind = encoder || arch.endsWith("ForSequenceClassification") ? "embed" : vision ? "vision" : "generate";

        int hidden = whole(text, prefix, 1, 1 << 20, "hidden_size", "n_embd", "d_model");
        int layers = whole(text, prefix, 1, 10_000, "num_hidden_layers", "n_layer", "num_layers");
        int heads = whole(text, prefix, 1, 10_000, "num_attention_heads", "n_head", "num_heads");
        int kvHeads = optional(text, prefix, 1, heads, "num_key_value_heads", "num_kv_heads", "n_head_kv")
                .orElse(text.path("multi_query").asBoolean(false) ? 1 : heads);
        int headDim = optional(text, prefix, 1, 1 << 16, "head_dim").orElse(hidden / heads);
        int vocab = optional(text, prefix, 1, 1 << 24, "vocab_size").orElse(32_000);
        int intermediate = optional(text, prefix, 1, 1 << 22, "intermediate_size", "n_inner", "ffn_dim").orElse(4 * hidden);

        Integer mla = null;
        Integer kvLora = optional(text, prefix, 1, 1 << 16, "kv_lora_rank").orElse(null);
        int rope = optional(text, prefix, 0, 1 << 16, "qk_rope_head_dim").orElse(0);
        int nope = optional(text, prefix, 0, 1 << 16, "qk_nope_head_dim").orElse(0);
        int vHead = optional(text, prefix, 1, 1 << 16, "v_head_dim").orElse(headDim);
        if (kvLora != null) {
            mla = kvLora + rope;
            headDim = nope + rope;
            kvHeads = heads;
        }
        int context = nativeContext(text, prefix);
        if (type.contains("roberta")) { // positions start after the padding index: 514 declared, 512 usable
            context = Math.max(1, context - text.path("pad_token_id").asInt(1) - 1);
        }
        Integer window = slidingWindow(text, type);

        Integer experts = optional(text, prefix, 1, 1 << 16, "num_local_experts", "num_experts", "n_routed_experts").orElse(null);
        int perToken = optional(text, prefix, 1, 1 << 16, "num_experts_per_tok", "moe_topk", "top_k_experts").orElse(experts == null ? 0 : 2);
        int expertWidth = optional(text, prefix, 1, 1 << 22, "moe_intermediate_size").orElse(intermediate);
        int sharedWidth = optional(text, prefix, 0, 1 << 22, "shared_expert_intermediate_size").orElse(0)
                + optional(text, prefix, 0, 1 << 10, "n_shared_experts").orElse(0) * expertWidth;
        int denseLayers = experts == null ? layers : Math.min(layers, optional(text, prefix, 0, 10_000, "first_k_dense_replace").orElse(0));

        // parameters: attention, MLP (or experts) and norms per layer; embeddings; LM head unless tied
        int matrices = PLAIN_MLP.contains(type) ? 2 : 3;
        double attention = mla == null
                ? (double) hidden * heads * headDim * 2 + 2.0 * hidden * kvHeads * headDim
                : attentionMla(text, prefix, hidden, heads, kvLora, rope, nope, vHead);
        double dense = (double) matrices * hidden * intermediate;
        double expertParams = (double) matrices * hidden * expertWidth;
        double moeLayer = experts == null ? 0 : experts * expertParams + (double) matrices * hidden * sharedWidth + (double) hidden * experts;
        double body = layers * (attention + 2.0 * hidden) + denseLayers * dense + (layers - denseLayers) * moeLayer;
        // absent means tied: it is the default of transformers' PretrainedConfig, and config.json leaves defaults out
        boolean tied = text.path("tie_word_embeddings").asBoolean(config.path("tie_word_embeddings").asBoolean(true));
        double embeddings = (double) vocab * hidden * (tied || encoder ? 1 : 2)
                + (encoder ? (double) context * hidden : 0);
        double params = body + embeddings + visionParams(config.path("vision_config"));
        Double active = experts == null ? null
                : (params - (layers - denseLayers) * (double) (experts - Math.min(perToken, experts)) * expertParams) / 1e9;

        return new ModelConfig(type, kind, layers, heads, kvHeads, headDim, mla, context, window, experts,
                quantization(config), bytesPerParam(config, text), params / 1e9, active);
    }

    /** Multi-head latent attention: queries (through a low rank when q_lora_rank is set), the latent KV and its expansion, the output. */
    private static double attentionMla(JsonNode text, String prefix, int hidden, int heads, int kvLora, int rope, int nope, int vHead) {
        int qLora = optional(text, prefix, 1, 1 << 16, "q_lora_rank").orElse(0);
        double q = qLora > 0 ? (double) hidden * qLora + (double) qLora * heads * (nope + rope) : (double) hidden * heads * (nope + rope);
        return q + (double) hidden * (kvLora + rope) + (double) kvLora * heads * (nope + vHead) + (double) heads * vHead * hidden;
    }

    /** A vision tower's parameters from its layers (attention and MLP), when the config has one. */
    private static double visionParams(JsonNode v) {
        if (!v.isObject()) {
            return 0;
        }
        double h = v.path("hidden_size").asDouble(0);
        double layers = v.path("num_hidden_layers").asDouble(v.path("depth").asDouble(0));
        double inner = v.path("intermediate_size").asDouble(4 * h);
        return layers * (4 * h * h + 2 * h * inner);
    }

    /**
     * vLLM's derived maximum length: {@code max_position_embeddings}, times the RoPE factor for
     * the scalings that extend it (yarn from {@code original_max_position_embeddings}, dynamic, linear).
     */
    private static int nativeContext(JsonNode text, String prefix) {
        double ctx = optional(text, prefix, 1, MAX_CONTEXT, "max_position_embeddings", "n_positions", "max_sequence_length",
                "seq_length").orElse(2048);
        JsonNode rope = text.path("rope_scaling");
        if (rope.isObject()) {
            String type = rope.path("rope_type").asText(rope.path("type").asText("")).toLowerCase(Locale.ROOT);
            double factor = rope.path("factor").asDouble(1);
            if (type.equals("yarn") && rope.path("original_max_position_embeddings").canConvertToInt()) {
                ctx = rope.get("original_max_position_embeddings").asDouble() * factor;
            } else if (type.equals("dynamic") || type.equals("linear") || type.equals("yarn")) {
                ctx = ctx * factor;
            }
        }
        return (int) Math.min(MAX_CONTEXT, Math.max(1, ctx));
    }

    /** The window when every layer slides (Mistral 7B v0.1); null when some layers see it all (Gemma, Qwen). */
    private static Integer slidingWindow(JsonNode text, String type) {
        JsonNode w = text.path("sliding_window");
        if (!w.canConvertToInt() || w.asInt() <= 0 || !text.path("use_sliding_window").asBoolean(true)
                || text.has("sliding_window_pattern") || type.startsWith("gemma")) {
            return null;
        }
        JsonNode types = text.path("layer_types");
        if (types.isArray()) {
            for (JsonNode t : types) {
                if (!t.asText().contains("sliding")) {
                    return null;
                }
            }
        }
        return w.asInt();
    }

    private static Quantization quantization(JsonNode config) {
        JsonNode q = config.path("quantization_config");
        if (!q.isObject()) {
            return Quantization.NONE;
        }
        String method = q.path("quant_method").asText("").toLowerCase(Locale.ROOT);
        int bits = q.path("bits").asInt(q.path("w_bit").asInt(0));
        return switch (method) {
            case "awq" -> Quantization.AWQ;
            case "gptq" -> Quantization.GPTQ;
            case "fp8", "fbgemm_fp8" -> Quantization.FP8;
            case "bitsandbytes" -> Quantization.BNB;
            case "mxfp4" -> Quantization.MXFP4;
            case "modelopt" -> q.path("quant_algo").asText("").toUpperCase(Locale.ROOT).contains("FP4") ? Quantization.NVFP4 : Quantization.FP8;
            case "compressed-tensors" -> compressedTensors(q);
            default -> bits == 4 ? Quantization.INT4 : bits == 8 ? Quantization.INT8 : Quantization.NONE;
        };
    }

    /** compressed-tensors checkpoints name their weights' bits and type per group. */
    private static Quantization compressedTensors(JsonNode q) {
        for (JsonNode group : q.path("config_groups")) {
            JsonNode w = group.path("weights");
            int bits = w.path("num_bits").asInt(16);
            if (bits == 8) {
                return "float".equals(w.path("type").asText()) ? Quantization.FP8 : Quantization.INT8;
            }
            if (bits == 4) {
                return "float".equals(w.path("type").asText()) ? Quantization.NVFP4 : Quantization.INT4;
            }
        }
        return Quantization.NONE;
    }

    private static double bytesPerParam(JsonNode config, JsonNode text) {
        String dtype = text.path("torch_dtype").asText(config.path("torch_dtype").asText(config.path("dtype").asText("bfloat16")));
        return dtype.contains("32") ? 4 : 2;
    }

    private static int whole(JsonNode n, String prefix, int min, int max, String... keys) {
        return optional(n, prefix, min, max, keys).orElseThrow(() -> new IllegalArgumentException(
                prefix + keys[0] + " is required: a whole number from " + min + " to " + max));
    }

    private static java.util.Optional<Integer> optional(JsonNode n, String prefix, int min, int max, String... keys) {
        for (String key : keys) {
            JsonNode v = n.get(key);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.canConvertToLong() || !v.isNumber() || v.asLong() < min || v.asLong() > max || v.asDouble() != v.asLong()) {
                throw new IllegalArgumentException(prefix + key + " must be a whole number from " + min + " to " + max);
            }
            return java.util.Optional.of(v.asInt());
        }
        return java.util.Optional.empty();
    }
}
