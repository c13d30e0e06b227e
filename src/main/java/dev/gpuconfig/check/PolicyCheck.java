package dev.gpuconfig.check;

import dev.gpuconfig.decide.PolicyTestRunner;
import dev.gpuconfig.engine.PolicyTests;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleProblem;
import dev.gpuconfig.engine.RuleSetBuilder;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The policy authors' check, like {@code opa test}: compiles a rules folder exactly as the service
 * would, runs its policy tests, prints every problem as {@code file:line: message}, and exits 1 on
 * any. Runs offline, without the HTTP server ({@code bin/check-rules [folder]}); with
 * {@code --against OLD} it also prints the decisions that differ ({@link ChangesCheck}).
 */
public final class PolicyCheck {

    private PolicyCheck() {
    }

    public static void main(String[] args) {
        String folder = args.length > 0 ? args[0] : "rules";
        if (args.length == 3 && args[1].equals("--against")) {
            System.exit(ChangesCheck.run(folder, args[2], System.out));
        }
        System.exit(run(folder, System.out));
    }

    public static int run(String dir, PrintStream out) {
        Checked c = check(dir, out);
        if (c.built() != null) {
            c.built().discard();
        }
        return c.exit();
    }

    /** The outcome of checking a folder: the exit code, and when it is valid its snapshot and built rule set. */
    record Checked(int exit, RuleFolder snapshot, RuleSetBuilder.Result built) {
    }

    /** Checks {@code dir} as {@link #run} does, keeping the rule set of a valid folder for the caller to discard. */
    static Checked check(String dir, PrintStream out) {
        Path folder = Path.of(dir).toAbsolutePath().normalize();
        RuleFolder snapshot;
        try {
            snapshot = RuleFolder.read(folder);
        } catch (RuntimeException e) {
            out.println(folder + ": " + e.getMessage());
            return new Checked(2, null, null);
        }
        RuleSetBuilder.Result r = new RuleSetBuilder(1, new PolicyTestRunner()).build(snapshot);
        if (!r.ok()) {
            for (RuleProblem p : r.problems()) {
                out.println(p);
            }
            out.println("FAILED " + folder + ": " + r.problems().size() + " problem(s), version " + r.version());
            return new Checked(1, snapshot, null);
        }
        out.println("OK " + folder + ": version " + r.version() + ", " + r.ruleSet().ruleCount() + " rules, "
                + r.ruleSet().models().size() + " models, " + r.ruleSet().gpus().all().size() + " GPUs, "
                + PolicyTests.count(snapshot) + " policy tests passed (" + r.millis() + " ms)");
        return new Checked(0, snapshot, r);
    }
}
