package dev.gpuconfig.recovery;

import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;

import dev.gpuconfig.catalog.ModelCatalog;
import dev.gpuconfig.catalog.ModelSpec;
import dev.gpuconfig.modelid.Quantization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Other models to serve when no GPU holds this one: the same checkpoint quantized by vLLM while
 * loading (FP8), then smaller members of its family from the catalog, named by putting the
 * smaller size into the original id ("Qwen2.5-72B-Instruct" becomes "Qwen2.5-32B-Instruct").
 */
final class Alternatives {
    private static final Pattern SIZE = Pattern.compile("(?i)(?<=^|[-_/])(\\d+(?:\\.\\d+)?)([bm])(?=$|[-_.:])");

    private Alternatives() {
    }

    record Option(DecideRequest request, String reason) {
    }

    static List<Option> of(DecideResponse failed, ModelCatalog catalog) {
        List<Option> out = new ArrayList<>();
        DecideResponse.Profile p = failed.profile();
        String model = failed.model();
        if ("none".equals(p.quantization()) && !p.gguf()) {
            out.add(new Option(new DecideRequest(model, null, null, Quantization.FP8, p.sharded(), null),
                    "the same model with FP8 weights, quantized by vLLM while loading: about half the memory"));
        }
        Matcher m = SIZE.matcher(model);
        if (m.find()) {
            List<ModelSpec> smaller = new ArrayList<>(catalog.family(p.family()));
            smaller.removeIf(s -> s.totalParamsB() >= p.totalParamsBillions() * 0.95 || sizeLabel(s.key()) == null);
            smaller.sort(Comparator.comparingDouble(ModelSpec::totalParamsB).reversed());
            for (ModelSpec s : smaller) {
                String label = sizeLabel(s.key());
                String id = model.substring(0, m.start()) + label + model.substring(m.end());
                out.add(new Option(new DecideRequest(id, null, null, null, p.sharded(), null),
                        "a smaller member of the " + p.family() + " family (" + s.totalParamsB() + "B parameters)"));
            }
        }
        return out;
    }

    /** "32B" from a key such as "qwen2.5-32b", or null when the key states no size. */
    private static String sizeLabel(String key) {
        Matcher m = SIZE.matcher(key);
        return m.find() ? m.group(1) + m.group(2).toUpperCase(Locale.ROOT) : null;
    }
}
