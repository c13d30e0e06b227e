package dev.gpuconfig.recovery;

import dev.gpuconfig.catalog.ModelCatalog;
import dev.gpuconfig.catalog.ModelSpec;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Other models to serve when no configuration holds this one, only published repositories the
 * catalog lists ({@code rules/catalog/repos.csv}): first a pre-quantized variant of the same
 * architecture, smallest weights first, then smaller members of the same family. Never the model
 * that failed; each keeps the request's context length and other fields. Whether an option fits,
 * and needs less memory than what failed, the caller decides by deciding it.
 */
final class Alternatives {
    private static final Set<String> FOUR_BIT = Set.of("awq", "gptq", "int4", "bnb", "mxfp4", "nvfp4");

    private Alternatives() {
    }

    record Option(DecideRequest request, String reason) {
    }

    static List<Option> of(DecideRequest failed, DecideResponse decision, ModelCatalog catalog) {
        List<Option> out = new ArrayList<>();
        DecideResponse.Profile p = decision.profile();
        ModelSpec base = p.catalogKey() == null ? null : catalog.row(p.catalogKey()).orElse(null);
        if (base == null) {
            return out; // no published repository of this architecture is known
        }
        List<ModelCatalog.Repo> variants = new ArrayList<>(catalog.repos(base.key()));
        variants.removeIf(r -> r.id().equalsIgnoreCase(decision.model()) || bits(r.quantization()) >= bits(p.quantization()));
        variants.sort(Comparator.comparingInt(r -> bits(r.quantization())));
        for (ModelCatalog.Repo r : variants) {
            out.add(new Option(as(failed, r.id()), "the same model pre-quantized (" + r.quantization() + "): about "
                    + (bits(r.quantization()) * 100 / bits(p.quantization())) + "% of the weights' memory"));
        }
        List<ModelSpec> smaller = new ArrayList<>(catalog.family(base.family()));
        smaller.removeIf(s -> s.totalParamsB() >= base.totalParamsB() * 0.95);
        smaller.sort(Comparator.comparingDouble(ModelSpec::totalParamsB).reversed());
        for (ModelSpec s : smaller) {
            for (ModelCatalog.Repo r : catalog.repos(s.key())) {
                if (r.quantization().equals(p.quantization()) || r.quantization().equals("none")) {
                    out.add(new Option(as(failed, r.id()), "a smaller member of the " + base.family() + " family ("
                            + s.totalParamsB() + "B parameters" + (r.quantization().equals("none") ? "" : ", " + r.quantization()) + ")"));
                    break;
                }
            }
        }
        return out;
    }

    /** The failed request for another published model: the format and size are the repository's own. */
    private static DecideRequest as(DecideRequest failed, String repo) {
        return new DecideRequest(repo, failed.contextLength(), null, null, failed.sharded(), failed.gpu());
    }

    private static int bits(String quantization) {
        return switch (quantization) {
            case "none" -> 16;
            case "fp8", "int8" -> 8;
            case "gguf" -> 5;
            default -> FOUR_BIT.contains(quantization) ? 4 : 16;
        };
    }
}
