package dev.gpuconfig.engine;

import dev.gpuconfig.catalog.PolicySettings;

import dev.gpuconfig.catalog.CatalogException;
import dev.gpuconfig.catalog.GpuCatalog;
import dev.gpuconfig.catalog.ModelCatalog;
import org.jboss.logging.Logger;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.builder.model.KieModuleModel;
import org.kie.api.runtime.KieContainer;
import org.kie.internal.builder.InternalKieBuilder;
import org.kie.internal.conf.ConstraintJittingThresholdOption;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compiles a rules folder snapshot into a {@link RuleSet}, or says everything that is wrong with
 * it, each problem with file and line. Used for the start-up load, reloads and the authors'
 * check command alike.
 */
public final class RuleSetBuilder {
    private static final Logger LOG = Logger.getLogger(RuleSetBuilder.class);
    private static final String BASE = "src/main/resources/dev/gpuconfig/policy/";
    private static final AtomicLong BUILDS = new AtomicLong();

    /**
     * Settings of the rule base itself, given through the module model. Drools 10.2.0 bug #6711:
     * jitted constraints throw NoSuchMethodError after about 20 evaluations.
     */
    static final Map<String, String> RULE_BASE_SETTINGS = Map.of(ConstraintJittingThresholdOption.PROPERTY_NAME, "-1");

    private final int poolSize;
    private final CandidateCheck check;

    /** A builder that only compiles: for tests of the builder itself. */
    public RuleSetBuilder(int poolSize) {
        this(poolSize, null);
    }

    /** A builder whose rule sets must also pass {@code check} (the folder's policy tests) to be returned. */
    public RuleSetBuilder(int poolSize, CandidateCheck check) {
        this.poolSize = poolSize;
        this.check = check;
    }

    /** The outcome of one build: a rule set, or the problems that stopped it (sorted by file and line). */
    public record Result(RuleSet ruleSet, List<RuleProblem> problems, String version, long millis,
                         Map<String, Long> phasesMs) {
        public boolean ok() {
            return ruleSet != null;
        }

        /** Frees the rule set of a result that will not be activated (nothing to free for a refused build). */
        public void discard() {
            if (ok()) {
                ruleSet.dispose();
            }
        }
    }

    public static boolean isRuleFile(String f) {
        return f.endsWith(".drl") || isDecisionTable(f);
    }

    static boolean isDecisionTable(String f) {
        return f.endsWith(".drl.xlsx") || f.endsWith(".drl.xls") || f.endsWith(".drl.csv");
    }

    public Result build(RuleFolder folder) {
        long start = System.nanoTime();
        Phases phases = new Phases();
        List<RuleProblem> problems = new ArrayList<>();
        GpuCatalog gpus = null;
        ModelCatalog models = null;
        PolicySettings settings = null;
        try {
            settings = PolicySettings.parse(required(folder, PolicySettings.FILE));
        } catch (CatalogException e) {
            problems.add(new RuleProblem(e.file(), e.line(), e.getMessage()));
        }
        try {
            gpus = GpuCatalog.parse(required(folder, GpuCatalog.FILE));
        } catch (CatalogException e) {
            problems.add(new RuleProblem(e.file(), e.line(), e.getMessage()));
        }
        try {
            models = ModelCatalog.parse(ModelCatalog.FILE, required(folder, ModelCatalog.FILE));
            if (folder.text(ModelCatalog.REPOS_FILE) != null) {
                models.withRepos(ModelCatalog.REPOS_FILE, folder.text(ModelCatalog.REPOS_FILE));
            }
        } catch (CatalogException e) {
            problems.add(new RuleProblem(e.file(), e.line(), e.getMessage()));
        }
        for (String f : folder.files().keySet()) {
            String name = f.substring(f.lastIndexOf('/') + 1);
            boolean tableLike = name.endsWith(".xlsx") || name.endsWith(".xls") || name.endsWith(".csv");
            if (tableLike && !isDecisionTable(f) && !f.startsWith("catalog/") && !f.startsWith("tests/")) {
                problems.add(new RuleProblem(f, 0, "a decision table must be named *.drl.xlsx or *.drl.csv; "
                        + "under this name Drools would load it as nothing"));
            }
        }

        phases.end("catalogs");
        ClassLoader cl = MissingClassCache.INSTANCE;
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(cl);
        try {
            KieServices ks = KieServices.Factory.get();
            KieFileSystem kfs = ks.newKieFileSystem();
            ReleaseId releaseId = ks.newReleaseId("dev.gpuconfig.policy", "policy", "1." + BUILDS.incrementAndGet());
            kfs.generateAndWritePomXML(releaseId);
            int ruleFiles = 0;
            Map<String, String> tableDrl = new java.util.HashMap<>();
            for (Map.Entry<String, byte[]> e : folder.files().entrySet()) {
                if (!isRuleFile(e.getKey())) {
                    continue;
                }
                ruleFiles++;
                if (isDecisionTable(e.getKey())) {
                    String drl = tableToDrl(e.getKey(), e.getValue(), problems);
                    if (drl != null) {
                        tableDrl.put(e.getKey(), drl);
                        kfs.write(BASE + e.getKey() + ".drl", drl);
                    }
                } else {
                    kfs.write(BASE + e.getKey(), e.getValue());
                }
            }
            phases.end("tables");
            if (ruleFiles == 0) {
                problems.add(new RuleProblem(".", 0, "no rule files (*.drl, *.drl.xlsx, *.drl.csv) in the rules folder"));
                return result(null, problems, folder, start, phases);
            }
            // Compile even when a catalog is broken, so one check reports every problem at once.
            // The module model goes in as an object, not as kmodule.xml: with no XML to read or write,
            // Drools never starts XStream, whose first use would add a large part of a first build.
            KieBuilder kb = ((InternalKieBuilder) ks.newKieBuilder(kfs, cl)).withKModuleModel(kmodule(ks));
            kb.buildAll();
            phases.end("compile");
            for (Message m : kb.getResults().getMessages(Message.Level.ERROR)) {
                String file = relative(m.getPath());
                int line = Math.max(m.getLine(), 0);
                String text = m.getText().strip();
                int trace = text.indexOf(" Stack trace:");
                if (trace > 0) {
                    text = text.substring(0, trace); // the parser appends its own stack trace: noise for authors
                }
                if (tableDrl.containsKey(file)) {
                    // an error in the DRL generated from a sheet: point at the sheet's row
                    line = DecisionTables.sheetRow(tableDrl.get(file), line);
                    text = "row " + line + ": " + text;
                }
                problems.add(new RuleProblem(file, line, text));
            }
            if (!problems.isEmpty()) {
                ks.getRepository().removeKieModule(releaseId);
                return result(null, problems, folder, start, phases);
            }
            KieContainer container = ks.newKieContainer(releaseId, cl);
            RuleSet rs = RuleSet.create(folder, container.getKieBase(), container, poolSize, gpus, models, settings);
            phases.end("container");
            if (check != null) {
                problems.addAll(check.check(rs, folder));
                phases.end("tests");
                if (!problems.isEmpty()) {
                    rs.dispose();
                    return result(null, problems, folder, start, phases);
                }
            }
            return result(rs, problems, folder, start, phases);
        } catch (RuntimeException e) {
            problems.add(new RuleProblem(".", 0, "the rules could not be compiled: " + e));
            return result(null, problems, folder, start, phases);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private static KieModuleModel kmodule(KieServices ks) {
        KieModuleModel module = ks.newKieModuleModel();
        RULE_BASE_SETTINGS.forEach(module::setConfigurationProperty);
        // MVEL consequences need no Java compiler: a build skips compiling a class per rule, and the
        // compiler, slow to load and large in memory, is loaded only for a rule that asks for it. A
        // rule that needs Java says dialect "java" itself (rules/README.md).
        module.setConfigurationProperty("drools.dialect.default", "mvel");
        // Property reactivity, Drools' default, stated because the policy relies on it: a modify
        // re-evaluates only the patterns that constrain a property it sets (rules/README.md).
        module.setConfigurationProperty("drools.propertySpecific", "ALWAYS");
        module.newKieBaseModel("policy").setDefault(true).addPackage("*");
        return module;
    }

    private static String required(RuleFolder folder, String file) {
        String text = folder.text(file);
        if (text == null) {
            throw new CatalogException(file, 0, "missing: the rules folder must hold " + file);
        }
        return text;
    }

    /** A decision table as DRL, or null with the reason recorded under the sheet's own file name. */
    private static String tableToDrl(String file, byte[] bytes, List<RuleProblem> problems) {
        try {
            return DecisionTables.toDrl(file, bytes);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            problems.add(new RuleProblem(file, 0, "not a readable decision table: " + msg.strip()));
            return null;
        }
    }

    private static String relative(String path) {
        if (path == null) {
            return ".";
        }
        String marker = "dev/gpuconfig/policy/";
        int i = path.indexOf(marker);
        String rel = i >= 0 ? path.substring(i + marker.length()) : path;
        String table = rel.endsWith(".drl") ? rel.substring(0, rel.length() - ".drl".length()) : rel;
        return isDecisionTable(table) ? table : rel; // a table's generated DRL is reported as the sheet
    }

    private static Result result(RuleSet rs, List<RuleProblem> problems, RuleFolder folder, long start, Phases phases) {
        List<RuleProblem> sorted = new ArrayList<>(problems);
        sorted.sort(RuleProblem.ORDER);
        return new Result(rs, List.copyOf(sorted), folder.version(), (System.nanoTime() - start) / 1_000_000,
                phases.done());
    }

    /** Where a build's time went, phase by phase, so operators can see what a slow activation spent. */
    private static final class Phases {
        private final Map<String, Long> ms = new java.util.LinkedHashMap<>();
        private long mark = System.nanoTime();

        void end(String phase) {
            long now = System.nanoTime();
            ms.put(phase, (now - mark) / 1_000_000);
            mark = now;
        }

        Map<String, Long> done() {
            return java.util.Collections.unmodifiableMap(ms);
        }
    }
}
