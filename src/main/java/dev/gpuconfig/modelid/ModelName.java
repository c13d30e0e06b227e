package dev.gpuconfig.modelid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a Hugging Face id says about a model, read token by token. Sizes are matched as whole
 * tokens ({@code 17b} is never {@code 7b}), version numbers carry no size suffix so they are never
 * sizes ({@code Llama-3.2-1B}), and context tokens ({@code 4k}, {@code 1M} after a B size) are
 * not sizes either.
 *
 * @param tokens   the name's tokens without owner, suffix words and format words: what catalog keys match
 * @param sizeB    the total size the name states, or null
 * @param activeB  the active size of a mixture of experts ({@code A3B}, or the size before {@code 16E}), or null
 * @param experts  the expert count ({@code 8x7B}, {@code 16E}), or null
 * @param sizeFromExperts true when the total was estimated from an expert count
 * @param unsupportedFormat a checkpoint format vLLM cannot load (MLX, EXL2), or null
 */
public record ModelName(String id, String owner, String name, List<String> tokens, Double sizeB, Double activeB,
                        Integer experts, boolean sizeFromExperts, boolean moeWord, Quantization quantization,
                        int quantBits, boolean explicit16Bit, String ggufType, boolean sharded,
                        String unsupportedFormat) {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([bm])");
    private static final Pattern SIZE_BLOOM = Pattern.compile("(\\d+)b(\\d+)");
    private static final Pattern EXPERTS_SIZE = Pattern.compile("(\\d+)x(\\d+(?:\\.\\d+)?)([bm])");
    private static final Pattern ACTIVE = Pattern.compile("a(\\d+(?:\\.\\d+)?)b");
    private static final Pattern EXPERT_COUNT = Pattern.compile("(\\d+)e");
    private static final Pattern GGUF_TYPE = Pattern.compile("(?<![a-z0-9])(i?q[1-8](?:_[a-z0-9]{1,2}){0,2}|f16|bf16|f32)(?![a-z0-9])");
    private static final Pattern GGUF_SPLIT = Pattern.compile("\\d{5}-of-\\d{5}");
    /** Split-file counters, "of" and the letters left over from quant types such as Q4_K_M. */
    private static final Pattern KEY_NOISE = Pattern.compile("\\d{5}|of|k|m|s|xs|xxs|l|0|1");

    /** Words that say how a checkpoint was tuned or packed, not which architecture it is. */
    private static final Set<String> NOISE = Set.of("instruct", "chat", "it", "hf", "base", "awq", "gptq", "gguf",
            "fp8", "fp16", "bf16", "int8", "int4", "bnb", "4bit", "8bit", "nf4", "mxfp4", "nvfp4", "fp4",
            "w4a16", "w8a8", "w8a16", "w4a4", "dynamic", "quantized", "marlin", "unsloth", "sharded", "bitsandbytes",
            "exl2", "mlx", "gs128", "g128", "act", "order", "float8", "safetensors", "model", "q4", "q8");

    /** A size token such as {@code 7b} or {@code 135m}. */
    public static boolean isSize(String token) {
        return SIZE.matcher(token).matches();
    }

    /** A size token, or an experts-times-size token such as {@code 8x7b}. */
    public static boolean isSizeOrExperts(String token) {
        return isSize(token) || EXPERTS_SIZE.matcher(token).matches();
    }

    /** Why an id is not {@code [owner/]name[:GGUF-QUANT]} with each part 1–96 of [A-Za-z0-9._-], or null when it is. */
    public static String invalidReason(String id) {
        if (id == null || id.isBlank()) {
            return "model is required";
        }
        // Runs on every request, before the memo: index arithmetic and a character loop, no regex,
        // no split, no substrings.
        int end = id.length();
        int colon = id.indexOf(':');
        if (colon >= 0) {
            if (!validPart(id, colon + 1, end)) {
                return "the part after ':' must be a GGUF quant type such as Q4_K_M (1-96 characters of [A-Za-z0-9._-])";
            }
            end = colon;
        }
        int slash = id.indexOf('/');
        int second = slash < 0 ? -1 : id.indexOf('/', slash + 1);
        if (slash >= 0 && slash < end && second >= 0 && second < end) {
            return "model must be [owner/]name[:GGUF-QUANT]; it has more than one '/'";
        }
        boolean valid = slash >= 0 && slash < end
                ? validPart(id, 0, slash) && validPart(id, slash + 1, end)
                : validPart(id, 0, end);
        return valid ? null
                : "each part of the model id must be 1-96 characters of [A-Za-z0-9._-], not start with '.' or '-', and never hold '..'";
    }

    /** {@code id[from, to)} is 1-96 of [A-Za-z0-9._-], starts with neither '.' nor '-', holds no "..". */
    private static boolean validPart(String id, int from, int to) {
        int n = to - from;
        if (n < 1 || n > 96 || id.charAt(from) == '.' || id.charAt(from) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
                    || c == '.' && (i == from || id.charAt(i - 1) != '.');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static ModelName parse(String id) {
        String suffix = null;
        String rest = id;
        int colon = id.indexOf(':');
        if (colon >= 0) {
            suffix = id.substring(colon + 1);
            rest = id.substring(0, colon);
        }
        int slash = rest.indexOf('/');
        String owner = slash >= 0 ? rest.substring(0, slash) : null;
        String name = slash >= 0 ? rest.substring(slash + 1) : rest;
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> raw = rawTokens(lower);

        Double size = null;
        Double sizeM = null;
        Double active = null;
        Integer experts = null;
        boolean fromExperts = false;
        boolean sizeBeforeExperts = false;
        for (int i = 0; i < raw.size(); i++) {
            String t = raw.get(i);
            var m = SIZE.matcher(t);
            var bloom = SIZE_BLOOM.matcher(t);
            var ex = EXPERTS_SIZE.matcher(t);
            var act = ACTIVE.matcher(t);
            var cnt = EXPERT_COUNT.matcher(t);
            if (ex.matches() && size == null) {
                experts = count(ex.group(1));
                double per = scale(Double.parseDouble(ex.group(2)), ex.group(3));
                // Experts share attention and embeddings, so n x size overstates the total: a safe upper bound.
                size = experts * per;
                fromExperts = true;
            } else if (m.matches()) {
                double v = scale(Double.parseDouble(m.group(1)), m.group(2));
                if (m.group(2).equals("b") && size == null) {
                    size = v;
                } else if (m.group(2).equals("m") && sizeM == null && size == null) {
                    sizeM = v;
                }
            } else if (bloom.matches() && size == null) {
                size = Double.parseDouble(bloom.group(1) + "." + bloom.group(2));
            } else if (act.matches() && active == null) {
                active = Double.parseDouble(act.group(1));
            } else if (cnt.matches() && size != null && experts == null && i > 0 && SIZE.matcher(raw.get(i - 1)).matches()) {
                experts = count(cnt.group(1));
                sizeBeforeExperts = true;
            }
        }
        if (size == null && sizeM != null) {
            size = sizeM;
        }
        if (sizeBeforeExperts) {
            // "17B-16E": the stated size is the active one; every expert stays resident, so the
            // total is larger. Without a catalog row, estimate generously (half the experts' worth).
            active = size;
            size = size * Math.max(1.0, experts / 2.0);
            fromExperts = true;
        }
        String scan = " " + lower.replace('_', '-') + " ";
        String ggufType = suffix != null ? suffix.toUpperCase(Locale.ROOT) : null;
        boolean gguf = suffix != null || lower.contains("gguf");
        if (gguf && ggufType == null) {
            var gm = GGUF_TYPE.matcher(lower);
            if (gm.find()) {
                ggufType = gm.group(1).toUpperCase(Locale.ROOT);
            }
        }
        Quantization q;
        int bits = 16;
        boolean eight = has(scan, "int8") || has(scan, "8bit") || has(scan, "w8a8") || has(scan, "w8a16");
        if (gguf) {
            q = Quantization.GGUF;
            bits = 0;
        } else if (has(scan, "awq")) {
            q = Quantization.AWQ;
            bits = 4;
        } else if (lower.contains("gptq")) {
            q = Quantization.GPTQ;
            bits = eight ? 8 : 4;
        } else if (has(scan, "bnb") || lower.contains("bitsandbytes") || has(scan, "4bit") || has(scan, "nf4")
                || (has(scan, "8bit") && !has(scan, "int8"))) {
            q = Quantization.BNB;
            bits = has(scan, "8bit") ? 8 : 4;
        } else if (has(scan, "mxfp4")) {
            q = Quantization.MXFP4;
            bits = 4;
        } else if (has(scan, "nvfp4") || has(scan, "fp4")) {
            q = Quantization.NVFP4;
            bits = 4;
        } else if (has(scan, "fp8") || has(scan, "float8")) {
            q = Quantization.FP8;
            bits = 8;
        } else if (eight) {
            q = Quantization.INT8;
            bits = 8;
        } else if (has(scan, "int4") || has(scan, "w4a16") || has(scan, "w4a4")) {
            q = Quantization.INT4;
            bits = 4;
        } else {
            q = Quantization.NONE;
        }
        boolean explicit16 = q == Quantization.NONE && (has(scan, "bf16") || has(scan, "fp16"));
        boolean sharded = has(scan, "sharded") || GGUF_SPLIT.matcher(lower).find();
        String unsupported = null;
        if (has(scan, "mlx") || (owner != null && owner.toLowerCase(Locale.ROOT).startsWith("mlx-"))) {
            unsupported = "MLX (Apple silicon)";
        } else if (has(scan, "exl2")) {
            unsupported = "EXL2 (ExLlamaV2)";
        }
        return new ModelName(id, owner, name, keyTokens(lower), size, active, experts, fromExperts,
                raw.contains("moe"), q, bits, explicit16, ggufType, sharded, unsupported);
    }

    /** A count from a digit run of any length: past a million it is no real count, and stays a million and one. */
    private static int count(String digits) {
        return digits.length() > 7 ? 1_000_001 : Math.min(Integer.parseInt(digits), 1_000_001);
    }

    private static boolean has(String scan, String word) {
        int i = scan.indexOf(word);
        while (i >= 0) {
            char before = scan.charAt(i - 1);
            char after = scan.charAt(i + word.length());
            if (!Character.isLetterOrDigit(before) && !Character.isLetterOrDigit(after)) {
                return true;
            }
            i = scan.indexOf(word, i + 1);
        }
        return false;
    }

    private static double scale(double v, String unit) {
        return unit.equals("m") ? v / 1000.0 : v;
    }

    /**
     * Lower-case tokens split on '-', '_' and blanks, and on '.' where a letter stands beside it
     * (so {@code quantized.w4a16} splits but {@code qwen2.5} and {@code v0.3} stay whole).
     */
    static List<String> rawTokens(String lower) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean split = c == '-' || c == '_' || Character.isWhitespace(c);
            if (c == '.') {
                char prev = i > 0 ? lower.charAt(i - 1) : ' ';
                char next = i + 1 < lower.length() ? lower.charAt(i + 1) : ' ';
                split = Character.isLetter(prev) || Character.isLetter(next) || !Character.isLetterOrDigit(prev)
                        || !Character.isLetterOrDigit(next);
            }
            if (split) {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The tokens catalog keys are made of: raw tokens without tuning, packing and GGUF quant-type words. */
    public static List<String> keyTokens(String text) {
        List<String> out = new ArrayList<>();
        for (String t : rawTokens(text.toLowerCase(Locale.ROOT))) {
            if (!NOISE.contains(t) && !GGUF_TYPE.matcher(t).matches() && !KEY_NOISE.matcher(t).matches()) {
                out.add(t);
            }
        }
        return out;
    }
}
