package dev.gpuconfig.bench;

import dev.gpuconfig.decide.PolicyTestRunner;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.engine.RuleSetBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Rules folders for the benchmarks: the shipped one, grown by generated catalog rows and rules. */
final class PolicyFixtures {

    private PolicyFixtures() {
    }

    static final String[] IDS = {
            "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B-FP8", "mistralai/Mixtral-8x7B-Instruct-v0.1",
            "microsoft/phi-2", "TheBloke/Llama-2-7B-Chat-GPTQ", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M",
            "deepseek-ai/DeepSeek-V3", "Qwen/Qwen2.5-0.5B-Instruct", "google/gemma-2-9b-it", "openai/gpt-oss-20b",
            "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", "some-org/mystery-model-13b",
    };

    /** How a copy's rules are counted: DRL rules, and the renamed rows of the CSV tables. */
    private static final Pattern RULE = Pattern.compile("(?m)^rule \"");
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^(format|utilization) \\(copy ");

    private static int shippedRules;

    /**
     * A copy of rules/ with {@code extraRows} generated catalog rows and the DRL files and CSV
     * tables copied until the folder holds at least {@code ruleFactor} times the shipped rule count
     * (the copies match a family no model has, so they cost what a larger policy costs without
     * changing answers; the two .xlsx tables are not copied, hence more copies than the factor).
     */
    static Path folder(int extraRows, int ruleFactor) throws IOException {
        Path dir = dev.gpuconfig.engine.RulesCopy.tempDir("bench-rules");
        dev.gpuconfig.engine.RulesCopy.copy(Path.of(System.getProperty("rules.dir", "rules")), dir);
        if (extraRows > 0) {
            StringBuilder sb = new StringBuilder(Files.readString(dir.resolve("catalog/models.csv")));
            for (int i = 0; i < extraRows; i++) {
                sb.append("synth").append(i).append("x-7b,,synth").append(i % 50).append('x')
                        .append(",7.0,,32,32,8,128,,32768,,,generated for benchmarks\n");
            }
            Files.writeString(dir.resolve("catalog/models.csv"), sb);
        }
        if (ruleFactor > 1) {
            int target = ruleFactor * shippedRuleCount();
            for (int copy = 1, count = shippedRuleCount(); count < target; copy++) {
                count += writeCopy(dir, copy);
            }
        }
        return dir;
    }

    /** The rule count of the shipped folder, as the engine counts it (table rows included). */
    static synchronized int shippedRuleCount() {
        if (shippedRules == 0) {
            shippedRules = build(Path.of(System.getProperty("rules.dir", "rules"))).ruleCount();
        }
        return shippedRules;
    }

    /** Builds a folder as the service does and fails with the builder's problems. */
    static RuleSet build(Path dir) {
        RuleSetBuilder.Result r = new RuleSetBuilder(4, new PolicyTestRunner()).build(RuleFolder.read(dir));
        if (!r.ok()) {
            throw new IllegalStateException(r.problems().toString());
        }
        return r.ruleSet();
    }

    /** Fails when a grown folder's rule set is short of the factor the benchmark reports. */
    static void checkGrown(RuleSet grown, int ruleFactor) {
        if (grown.ruleCount() < ruleFactor * shippedRuleCount()) {
            throw new IllegalStateException(grown.ruleCount() + " rules, fewer than " + ruleFactor + " x "
                    + shippedRuleCount());
        }
    }

    /** Writes copy number {@code copy} of the DRL files and CSV tables; returns the rules it adds. */
    private static int writeCopy(Path dir, int copy) throws IOException {
        int rules = 0;
        for (String f : new String[]{"policy.drl", "fit.drl", "engine-options.drl", "oom.drl"}) {
            String drl = Files.readString(dir.resolve(f));
            drl = drl.replaceAll("rule \"([^\"]+)\"", "rule \"$1 (copy " + copy + ")\"")
                    .replaceAll("(?m)^when$", "when\n    dev.gpuconfig.profile.ModelProfile( family == \"no-such-family-" + copy + "\" )");
            if (!drl.contains("import dev.gpuconfig.profile.ModelProfile;")) {
                drl = drl.replaceFirst("(package [^;]+;)", "$1\nimport dev.gpuconfig.profile.ModelProfile;");
            }
            Files.writeString(dir.resolve("copy" + copy + "-" + f), drl);
            rules += (int) RULE.matcher(drl).results().count();
        }
        for (String f : new String[]{"formats.drl.csv", "utilization.drl.csv"}) {
            String csv = Files.readString(dir.resolve(f));
            csv = csv.replaceAll("(?m)^(format|utilization): ", "$1 (copy " + copy + "): ");
            csv = csv.replace("RuleTable ", "RuleTable Copy" + copy + " ");
            csv = csv.replace("quantization == \"\"$param\"\"", "family == \"\"no-such-family-" + copy + "\"\" && quantization == \"\"$param\"\"")
                    .replace("\"name == \"\"$param\"\"\"", "\"name == \"\"$param-copy" + copy + "\"\"\"");
            Files.writeString(dir.resolve("copy" + copy + "-" + f), csv);
            rules += (int) TABLE_ROW.matcher(csv).results().count();
        }
        return rules;
    }
}
