package dev.gpuconfig.check;

import dev.gpuconfig.changes.Change;
import dev.gpuconfig.changes.ChangeReport;
import dev.gpuconfig.changes.Comparison;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSetBuilder;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/check-rules NEW --against OLD}: checks NEW as the service would, then prints each
 * decision that differs between the two folders, one line each, so a pull request's CI shows
 * what a policy change does. Exits 0 when NEW is valid, whatever changed; OLD only needs to build.
 */
final class ChangesCheck {
    private ChangesCheck() {
    }

    static int run(String newDir, String oldDir, PrintStream out) {
        PolicyCheck.Checked checked = PolicyCheck.check(newDir, out);
        if (checked.exit() != 0) {
            return checked.exit();
        }
        RuleFolder fresh = checked.snapshot();
        RuleSetBuilder.Result after = checked.built();
        RuleSetBuilder.Result before;
        try {
            before = new RuleSetBuilder(1).build(RuleFolder.read(Path.of(oldDir).toAbsolutePath().normalize()));
        } catch (RuntimeException e) {
            out.println(oldDir + ": " + e.getMessage());
            after.discard();
            return 2;
        }
        if (!before.ok()) {
            out.println("cannot compare: " + oldDir + " does not build: " + before.problems());
            after.discard();
            return 2;
        }
        ChangeReport report = Comparison.compare(before.ruleSet(), after.ruleSet(),
                Comparison.corpus(List.of(after.ruleSet().models(), before.ruleSet().models()), fresh, List.of()));
        for (Change c : report.changed()) {
            out.println(c.line());
        }
        out.println(report.changed().size() + " of " + report.asked() + " decisions differ between " + oldDir + " and " + newDir);
        before.discard();
        after.discard();
        return 0;
    }
}
