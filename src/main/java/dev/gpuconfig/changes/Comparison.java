package dev.gpuconfig.changes;

import dev.gpuconfig.catalog.ModelCatalog;
import dev.gpuconfig.catalog.ModelSpec;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecideResponse;
import dev.gpuconfig.decide.Decider;
import dev.gpuconfig.engine.PolicyTests;
import dev.gpuconfig.engine.RuleFolder;
import dev.gpuconfig.engine.RuleSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides the same requests on two rule sets and keeps those whose answer moved: the GPU, the
 * count, the utilization or the length changed, or one side refused. The corpus is what an edit
 * can touch: every catalog model at the default context (by its first published repository, else
 * its key), every policy-test case, and the requests the service answered recently.
 */
public final class Comparison {
    /** At most this many decisions a comparison: about a second of one core on two rule sets. */
    public static final int MAX_ASKED = 5000;

    private Comparison() {
    }

    /** The requests to compare: the catalogs' models, the folder's policy tests, then {@code recent}. */
    public static List<DecideRequest> corpus(Collection<ModelCatalog> catalogs, RuleFolder tests, Collection<DecideRequest> recent) {
        Set<DecideRequest> all = new LinkedHashSet<>();
        for (ModelCatalog catalog : catalogs) {
            for (ModelSpec spec : catalog.rows()) {
                List<ModelCatalog.Repo> repos = catalog.repos(spec.key());
                all.add(DecideRequest.of(repos.isEmpty() ? spec.key() : repos.get(0).id()));
            }
        }
        if (tests != null) {
            for (PolicyTests.Case c : PolicyTests.cases(tests)) {
                all.add(new DecideRequest(c.model(), c.contextLength(), null, null, null, c.pinGpu()));
            }
        }
        all.addAll(recent);
        return new ArrayList<>(all).subList(0, Math.min(all.size(), MAX_ASKED));
    }

    public static ChangeReport compare(RuleSet before, RuleSet after, List<DecideRequest> corpus) {
        List<Change> changed = new ArrayList<>();
        for (DecideRequest req : corpus) {
            Change.Side was = Change.Side.of(answer(before, req));
            Change.Side is = Change.Side.of(answer(after, req));
            if (!Objects.equals(was, is)) {
                changed.add(new Change(req.model(), req.contextLength(), was, is));
            }
        }
        return new ChangeReport(before.version(), after.version(), Instant.now(), corpus.size(), List.copyOf(changed));
    }

    private static DecideResponse answer(RuleSet rs, DecideRequest req) {
        try {
            return Decider.decide(rs, req);
        } catch (DecideException e) {
            return null; // refused on this side: a 4xx, a policy error, or rules replaced meanwhile
        }
    }
}
