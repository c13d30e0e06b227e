package dev.gpuconfig.catalog;


import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Numbers of the policy that are not a table: read from {@code rules/settings.properties} at each
 * activation and handed to the rules as the global {@code settings}. Every key is required, so a
 * typo in a key name fails the activation instead of silently falling back.
 */
public record PolicySettings(int contextTargetDefault, int contextUnknownModel,
                             double utilizationCeiling, double overheadBaseGiB, double overheadPerBillionGiB,
                             long kvEstimateBytesAt8B, double embeddingShare, double embeddingMaxBillions,
                             Double defaultParamsBillions, int blockSize, int historyFailuresToAvoid,
                             int historyWindowDays) {

    public static final String FILE = "settings.properties";
    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("context.target.default", "tokens every fit must hold when the request names none (capped at the native context)"),
            Map.entry("context.unknown.model", "native context assumed for a model the catalog does not know: the max_model_len it gets"),
            Map.entry("utilization.ceiling", "highest gpu_memory_utilization the fit may raise to"),
            Map.entry("overhead.base.gib", "per-GPU memory outside weights and KV cache: CUDA context, activations, CUDA graphs"),
            Map.entry("overhead.per.billion.gib", "extra per-GPU overhead per billion parameters held on that GPU"),
            Map.entry("kv.estimate.bytes.at.8b", "KV bytes per token assumed for an unknown 8B model; scales with the square root of size"),
            Map.entry("weights.embedding.share", "share of parameters in embeddings that quantized formats keep at 16 bits"),
            Map.entry("weights.embedding.max.billions", "most embedding parameters assumed"),
            Map.entry("size.default.billions", "size assumed when neither name, catalog nor request gives one, or 'refuse'"),
            Map.entry("block.size", "vLLM KV cache block size; max_model_len is rounded down to it"),
            Map.entry("history.failures.to.avoid", "failures of a configuration within the window after which the policy avoids it"),
            Map.entry("history.window.days", "how many days of reported outcomes the rules see"));

    public static PolicySettings parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new CatalogException(FILE, 1, "cannot read: " + e.getMessage());
        }
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS.keySet());
        if (!unknown.isEmpty()) {
            throw new CatalogException(FILE, lineOf(text, unknown.iterator().next()), "unknown setting(s) " + unknown
                    + "; known: " + new TreeSet<>(KEYS.keySet()));
        }
        PolicySettings s = new PolicySettings(
                (int) num(p, text, "context.target.default", 256, 10_000_000),
                (int) num(p, text, "context.unknown.model", 256, 10_000_000),
                num(p, text, "utilization.ceiling", 0.1, 0.99),
                num(p, text, "overhead.base.gib", 0, 64),
                num(p, text, "overhead.per.billion.gib", 0, 1),
                (long) num(p, text, "kv.estimate.bytes.at.8b", 1024, 16_000_000),
                num(p, text, "weights.embedding.share", 0, 0.9),
                num(p, text, "weights.embedding.max.billions", 0, 100),
                "refuse".equals(p.getProperty("size.default.billions", "").trim()) ? null
                        : num(p, text, "size.default.billions", 0.01, 10_000),
                (int) num(p, text, "block.size", 1, 1024),
                (int) num(p, text, "history.failures.to.avoid", 1, 1000),
                (int) num(p, text, "history.window.days", 1, 3650));
        return s;
    }

    private static double num(Properties p, String text, String key, double min, double max) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new CatalogException(FILE, 1, "setting '" + key + "' is missing (" + KEYS.get(key) + ")");
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d < min || d > max) {
                throw new CatalogException(FILE, lineOf(text, key), "setting '" + key + "' = " + v.trim()
                        + " is outside " + min + " to " + max);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new CatalogException(FILE, lineOf(text, key), "setting '" + key + "': '" + v.trim() + "' is not a number");
        }
    }

    private static int lineOf(String text, String key) {
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].trim().startsWith(key)) {
                return i + 1;
            }
        }
        return 1;
    }
}
