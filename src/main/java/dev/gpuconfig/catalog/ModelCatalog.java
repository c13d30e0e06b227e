package dev.gpuconfig.catalog;

import dev.gpuconfig.modelid.ModelName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Known models indexed by normalized key for exact lookups: a name's tokens are tried as
 * contiguous windows, longest first, so {@code NousResearch/Hermes-3-Llama-3.1-8B} finds the
 * {@code llama-3.1-8b} row without any pattern scan, and the cost of a lookup does not grow with
 * the number of rows.
 */
public final class ModelCatalog {
    public static final String FILE = "catalog/models.csv";
    /** Published repositories of the catalog's architectures, each with its checkpoint's format. */
    public static final String REPOS_FILE = "catalog/repos.csv";
    private static final List<String> REPO_COLUMNS = List.of("repo", "key", "quantization", "source");

    /** A published repository: its id, the catalog row of its architecture, its checkpoint's format. */
    public record Repo(String id, ModelSpec spec, String quantization) {
    }

    private final Map<String, List<Repo>> reposByKey = new HashMap<>();
    private static final List<String> COLUMNS = List.of("key", "aliases", "family", "totalParamsB", "activeParamsB",
            "layers", "attentionHeads", "kvHeads", "headDim", "mlaWidth", "nativeContext", "slidingWindow",
            "nativeQuant", "kind", "source");

    private final Map<String, ModelSpec> byKey;
    private final Map<String, List<ModelSpec>> byFamily;
    private final int maxKeyTokens;
    private final List<ModelSpec> rows;

    private ModelCatalog(Map<String, ModelSpec> byKey, Map<String, List<ModelSpec>> byFamily, int maxKeyTokens, List<ModelSpec> rows) {
        this.byKey = byKey;
        this.byFamily = byFamily;
        this.maxKeyTokens = maxKeyTokens;
        this.rows = rows;
    }

    public static ModelCatalog parse(String file, String text) {
        Map<String, ModelSpec> byKey = new HashMap<>();
        Map<String, List<ModelSpec>> byFamily = new HashMap<>();
        int maxTokens = 1;
        List<ModelSpec> rows = new ArrayList<>();
        for (CsvTable.Row r : CsvTable.parse(file, text, COLUMNS)) {
            ModelSpec spec = toSpec(r);
            rows.add(spec);
            List<String> keys = new ArrayList<>();
            keys.add(spec.key());
            for (String alias : r.text("aliases").split("\\|")) {
                if (!alias.isBlank()) {
                    keys.add(alias);
                }
            }
            for (String k : keys) {
                List<String> tokens = ModelName.keyTokens(k);
                if (tokens.isEmpty()) {
                    throw new CatalogException(file, r.line(), "key '" + k + "' has no name tokens");
                }
                String norm = String.join("-", tokens);
                ModelSpec prev = byKey.put(norm, spec);
                if (prev != null && prev != spec) {
                    throw new CatalogException(file, r.line(), "key '" + norm + "' is already used on line " + prev.line());
                }
                maxTokens = Math.max(maxTokens, tokens.size());
            }
            byFamily.computeIfAbsent(spec.family(), f -> new ArrayList<>()).add(spec);
        }
        return new ModelCatalog(byKey, byFamily, maxTokens, List.copyOf(rows));
    }

    private static ModelSpec toSpec(CsvTable.Row r) {
        double total = r.number("totalParamsB");
        Double active = r.optionalNumber("activeParamsB");
        Integer layers = r.optionalInt("layers");
        Integer heads = r.optionalInt("attentionHeads");
        Integer kvHeads = r.optionalInt("kvHeads");
        Integer headDim = r.optionalInt("headDim");
        Integer context = r.optionalInt("nativeContext");
        if (total <= 0 || (active != null && (active <= 0 || active > total))) {
            throw new CatalogException(r.file(), r.line(), "totalParamsB must be positive and activeParamsB between 0 and totalParamsB");
        }
        if (layers == null || heads == null || kvHeads == null || headDim == null || context == null
                || layers < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || context < 1) {
            throw new CatalogException(r.file(), r.line(), "layers, attentionHeads, kvHeads, headDim and nativeContext must be positive whole numbers");
        }
        String quant = r.text("nativeQuant").toLowerCase();
        if (!quant.isEmpty() && dev.gpuconfig.modelid.Quantization.fromWire(quant).isEmpty()) {
            throw new CatalogException(r.file(), r.line(), "nativeQuant '" + quant + "' is not one of "
                    + dev.gpuconfig.modelid.Quantization.wireNames());
        }
        String kind = r.text("kind").isEmpty() ? "generate" : r.text("kind").toLowerCase();
        if (!ModelSpec.KINDS.contains(kind)) {
            throw new CatalogException(r.file(), r.line(), "kind '" + kind + "' is not one of " + ModelSpec.KINDS);
        }
        return new ModelSpec(r.required("key").toLowerCase(), r.required("family").toLowerCase(), total, active,
                layers, heads, kvHeads, headDim, r.optionalInt("mlaWidth"), context, r.optionalInt("slidingWindow"),
                quant.isEmpty() ? null : quant, kind, r.text("source"), r.line());
    }

    /**
     * The longest run of the name's tokens that is a catalog key, leftmost among equals. Failing
     * that, a run of leading family tokens joined to the size token with the words between left
     * out, so derivatives find their base architecture: "Qwen2.5-Math-7B" finds qwen2.5-7b and
     * "Llama-3.1-Nemotron-70B" finds llama-3.1-70b.
     */
    public Optional<ModelSpec> lookup(List<String> tokens) {
        int n = tokens.size();
        for (int len = Math.min(maxKeyTokens, n); len >= 1; len--) {
            for (int start = 0; start + len <= n; start++) {
                ModelSpec hit = byKey.get(String.join("-", tokens.subList(start, start + len)));
                if (hit != null) {
                    return Optional.of(hit);
                }
            }
        }
        for (int s = 2; s < n; s++) {
            if (!ModelName.isSize(tokens.get(s))) {
                continue;
            }
            for (int end = s - 1; end >= 1; end--) {
                for (int start = 0; start < end; start++) {
                    ModelSpec hit = byKey.get(String.join("-", tokens.subList(start, end)) + "-" + tokens.get(s));
                    if (hit != null) {
                        return Optional.of(hit);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Adds the published repositories of {@code file} ({@link #REPOS_FILE}); a repository of an
     * architecture the catalog does not have, or in a format the service does not know, is an error.
     */
    public ModelCatalog withRepos(String file, String text) {
        for (CsvTable.Row r : CsvTable.parse(file, text, REPO_COLUMNS)) {
            String id = r.required("repo");
            String why = ModelName.invalidReason(id);
            if (why != null) {
                throw new CatalogException(file, r.line(), "repo '" + id + "': " + why);
            }
            ModelSpec spec = byKey.get(String.join("-", ModelName.keyTokens(r.required("key").toLowerCase())));
            if (spec == null) {
                throw new CatalogException(file, r.line(), "key '" + r.text("key") + "' is no row of " + FILE);
            }
            String q = r.text("quantization").isEmpty() ? "none" : r.text("quantization").toLowerCase();
            if (dev.gpuconfig.modelid.Quantization.fromWire(q).isEmpty()) {
                throw new CatalogException(file, r.line(), "quantization '" + q + "' is not one of "
                        + dev.gpuconfig.modelid.Quantization.wireNames());
            }
            reposByKey.computeIfAbsent(spec.key(), k -> new ArrayList<>()).add(new Repo(id, spec, q));
        }
        return this;
    }

    /** The row whose key (or alias) is {@code key}. */
    public Optional<ModelSpec> row(String key) {
        return Optional.ofNullable(byKey.get(String.join("-", ModelName.keyTokens(key))));
    }

    /** The published repositories of the architecture {@code key}, in the order the file lists them. */
    public List<Repo> repos(String key) {
        return reposByKey.getOrDefault(key, List.of());
    }

    public List<ModelSpec> family(String family) {
        return byFamily.getOrDefault(family, List.of());
    }

    public int size() {
        return rows.size();
    }

    /** Every row, in the file's order. */
    public List<ModelSpec> rows() {
        return rows;
    }
}
