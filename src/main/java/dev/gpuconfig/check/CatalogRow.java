package dev.gpuconfig.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpuconfig.modelid.ModelName;
import dev.gpuconfig.modelid.Quantization;
import dev.gpuconfig.profile.ModelConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Prints the {@code rules/catalog/models.csv} row of a model from its config.json, read the way
 * the service reads a config sent with a request, so policy authors add a model by pointing at
 * its config: {@code bin/catalog-row path/to/config.json [--key K] [--weights-bytes N] [--source TEXT]}.
 * The key defaults to the config's folder name; with {@code --weights-bytes} of a 16-bit
 * checkpoint the size is the bytes' own count.
 */
public final class CatalogRow {
    private CatalogRow() {
    }

    public static void main(String... args) throws IOException {
        System.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) throws IOException {
        if (args.length == 0) {
            err.println("usage: bin/catalog-row path/to/config.json [--key K] [--weights-bytes N] [--source TEXT]");
            return 2;
        }
        Path file = Path.of(args[0]);
        String key = null;
        Long bytes = null;
        String source = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--key" -> key = args[i + 1];
                case "--weights-bytes" -> bytes = Long.parseLong(args[i + 1]);
                case "--source" -> source = args[i + 1];
                default -> {
                    err.println("unknown option " + args[i]);
                    return 2;
                }
            }
        }
        ModelConfig c;
        try {
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            c = ModelConfig.read(json);
        } catch (IllegalArgumentException | IOException e) {
            err.println(file + ": " + e.getMessage());
            return 1;
        }
        if (key == null) {
            Path folder = file.toAbsolutePath().getParent();
            key = String.join("-", ModelName.keyTokens((folder == null ? "model" : folder.getFileName().toString()).toLowerCase(Locale.ROOT)));
        }
        double params = bytes != null && c.quantization() == Quantization.NONE ? bytes / c.bytesPerParam() / 1e9 : c.paramsB();
        String family = key.replaceAll("-\\d+(\\.\\d+)?[bm].*$", "");
        out.println(String.join(",", key, "", family, number(params), c.activeParamsB() == null ? "" : number(c.activeParamsB()),
                String.valueOf(c.layers()), String.valueOf(c.attentionHeads()), String.valueOf(c.kvHeads()), String.valueOf(c.headDim()),
                c.mlaWidth() == null ? "" : String.valueOf(c.mlaWidth()), String.valueOf(c.nativeContext()),
                c.slidingWindow() == null ? "" : String.valueOf(c.slidingWindow()),
                c.quantization() == Quantization.NONE ? "" : c.quantization().wire(),
                c.kind().equals("generate") ? "" : c.kind(),
                (source == null ? file.toString() + " config.json" : source).replace(',', ';')
                        + (bytes != null ? "; params from weightsBytes" : "; params computed from config")));
        return 0;
    }

    private static String number(double billions) {
        return billions >= 10 ? String.format(Locale.ROOT, "%.1f", billions)
                : billions >= 1 ? String.format(Locale.ROOT, "%.2f", billions) : String.format(Locale.ROOT, "%.3f", billions);
    }
}
