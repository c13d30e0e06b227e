package dev.gpuconfig.engine;

import dev.gpuconfig.catalog.CatalogException;
import dev.gpuconfig.catalog.CsvTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Policy tests that authors write in a spreadsheet: {@code rules/tests/*.csv}, a header row, then
 * one case per row. {@code model} is required (with optional inputs {@code contextLength} and
 * {@code pinGpu}); {@code gpu}, {@code gpuCount}, {@code minUtilization}, {@code maxUtilization}
 * and {@code minMaxModelLen} are checks, and an empty cell checks nothing. A candidate rule set is
 * activated only when every case passes.
 */
public final class PolicyTests {
    static final Set<String> COLUMNS = Set.of("model", "contextLength", "pinGpu", "gpu", "gpuCount", "minUtilization",
            "maxUtilization", "minMaxModelLen", "note");

    /** One case's inputs; the runner answers it with the decision's figures or an error message. */
    public record Case(String model, Integer contextLength, String pinGpu, String file) {
    }

    /** What a case's decision said, or why there was none. */
    public record Outcome(String gpu, int gpuCount, double utilization, int maxModelLen, String error) {
        public static Outcome failed(String error) {
            return new Outcome(null, 0, 0, 0, error);
        }
    }

    private PolicyTests() {
    }

    public static boolean isTestFile(String file) {
        return file.startsWith("tests/") && file.endsWith(".csv");
    }

    /** Runs every test file of the folder through {@code decide}; each failure names its file and row. */
    public static List<RuleProblem> run(RuleFolder folder, Function<Case, Outcome> decide) {
        List<RuleProblem> failures = new ArrayList<>();
        for (String file : folder.files().keySet()) {
            if (!isTestFile(file)) {
                continue;
            }
            try {
                List<CsvTable.Row> rows = CsvTable.parse(file, folder.text(file), List.of("model"));
                if (!rows.isEmpty()) {
                    for (String col : rows.get(0).cells().keySet()) {
                        if (!COLUMNS.contains(col)) {
                            throw new CatalogException(file, 1, "unknown column '" + col + "'; known: " + COLUMNS);
                        }
                    }
                }
                // Cases are independent decisions on a thread-safe rule set: run on two cores they
                // shorten the first build of a process, when every decision is still interpreted.
                // Drools finds its own services through the context class loader, so a pool thread
                // must run each case with the caller's (a wrong one fails the first decision).
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                List<String> outcomes = rows.parallelStream().map(row -> withLoader(loader, () -> check(row, decide))).toList();
                for (int i = 0; i < rows.size(); i++) {
                    if (outcomes.get(i) != null) {
                        CsvTable.Row row = rows.get(i);
                        failures.add(new RuleProblem(file, row.line(), "test failed for " + row.text("model") + ": " + outcomes.get(i)));
                    }
                }
            } catch (CatalogException e) {
                failures.add(new RuleProblem(e.file(), e.line(), e.getMessage()));
            }
        }
        return failures;
    }

    private static <T> T withLoader(ClassLoader loader, java.util.function.Supplier<T> work) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return work.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static String check(CsvTable.Row row, Function<Case, Outcome> decide) {
        Outcome o = decide.apply(new Case(row.required("model"), row.optionalInt("contextLength"),
                row.text("pinGpu").isEmpty() ? null : row.text("pinGpu"), row.file()));
        if (o.error() != null) {
            return o.error();
        }
        List<String> wrong = new ArrayList<>();
        String gpu = row.text("gpu");
        if (!gpu.isEmpty() && !gpu.equalsIgnoreCase(o.gpu())) {
            wrong.add("gpu is " + o.gpu() + ", expected " + gpu);
        }
        Integer count = row.optionalInt("gpuCount");
        if (count != null && count != o.gpuCount()) {
            wrong.add("gpuCount is " + o.gpuCount() + ", expected " + count);
        }
        Double min = row.optionalNumber("minUtilization");
        if (min != null && o.utilization() < min - 1e-9) {
            wrong.add("utilization " + o.utilization() + " is below " + min);
        }
        Double max = row.optionalNumber("maxUtilization");
        if (max != null && o.utilization() > max + 1e-9) {
            wrong.add("utilization " + o.utilization() + " is above " + max);
        }
        Integer len = row.optionalInt("minMaxModelLen");
        if (len != null && o.maxModelLen() < len) {
            wrong.add("max_model_len " + o.maxModelLen() + " is below " + len);
        }
        return wrong.isEmpty() ? null : String.join("; ", wrong);
    }

    /** The cases of a folder's test files, without their checks (a file that cannot be read gives none). */
    public static List<Case> cases(RuleFolder folder) {
        List<Case> cases = new ArrayList<>();
        for (String file : folder.files().keySet()) {
            if (isTestFile(file)) {
                try {
                    for (CsvTable.Row row : CsvTable.parse(file, folder.text(file), List.of("model"))) {
                        cases.add(new Case(row.required("model"), row.optionalInt("contextLength"),
                                row.text("pinGpu").isEmpty() ? null : row.text("pinGpu"), file));
                    }
                } catch (CatalogException ignored) {
                    // reported when the tests run
                }
            }
        }
        return cases;
    }

    /** Counts the cases of a folder (for status and logs). */
    public static int count(RuleFolder folder) {
        int n = 0;
        for (Map.Entry<String, byte[]> e : folder.files().entrySet()) {
            if (isTestFile(e.getKey())) {
                try {
                    n += CsvTable.parse(e.getKey(), folder.text(e.getKey()), List.of()).size();
                } catch (CatalogException ignored) {
                    // reported when the tests run
                }
            }
        }
        return n;
    }
}
