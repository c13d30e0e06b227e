package dev.gpuconfig.engine;

import java.util.Comparator;

/** One thing wrong with a rules folder: the file (relative to the folder), the line (0 when unknown) and what. */
public record RuleProblem(String file, int line, String message) {
    public static final Comparator<RuleProblem> ORDER =
            Comparator.comparing(RuleProblem::file).thenComparingInt(RuleProblem::line).thenComparing(RuleProblem::message);

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + message;
    }
}
