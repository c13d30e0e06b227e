package dev.gpuconfig.decide;

import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.reload.RulesManager;
import dev.gpuconfig.store.HistoryCache;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The decide flow: take the active rule set once, answer from its cache when the request was
 * answered before under the same rules and outcome history, and otherwise evaluate it
 * ({@link Decider}, with the model's history) on a decision thread. Everything that chooses is in
 * the rules.
 */
@ApplicationScoped
public class DecisionService {
    private final RulesManager rules;
    private final DecisionMetrics metrics;
    private final DecisionWorkers workers;
    private final RequestReader requests;
    private final HistoryCache history;
    /** The answers of the rule set in force; replaced by the first request after an activation or a change of the history. */
    private final AtomicReference<AnswerCache> cache = new AtomicReference<>();

    public DecisionService(RulesManager rules, DecisionMetrics metrics, DecisionWorkers workers, RequestReader requests,
                           HistoryCache history) {
        this.rules = rules;
        this.history = history;
        this.metrics = metrics;
        this.workers = workers;
        this.requests = requests;
        metrics.rememberedAnswers(this::remembered);
    }

    /** The rule set in force. */
    public RuleSet ruleSet() {
        return rules.active().orElseThrow(() -> DecideException.notReady("No rule set active",
                "no valid rule set has been activated yet; see GET /v1/rules for why"));
    }

    /**
     * The rule set in force, held for a use that spans several runs of the rules (a batch, a
     * recovery): it is not disposed before {@link RuleSet#release()}.
     */
    public RuleSet hold() {
        while (true) {
            RuleSet rs = ruleSet();
            if (rs.hold()) {
                return rs;
            }
        }
    }

    /** The answer to {@code req} by the rule set in force, as JSON. */
    public CompletionStage<byte[]> decideJson(DecideRequest req) {
        return decideJson(ruleSet(), req);
    }

    /**
     * The answer to {@code req} by {@code rs}, as JSON bytes written once per request and rule set.
     * An answer the cache holds completes here, on the caller's (I/O) thread; any other request is
     * checked ({@link RequestReader#check}) and evaluated on a decision thread
     * ({@link DecisionWorkers}), so remembered answers never wait behind evaluations. A request the
     * cache holds passed the same check when it was first answered: the check depends on the
     * request alone, so it is not repeated.
     * @throws DecideException invalid, naming the field, for a request that breaks a limit
     */
    public CompletionStage<byte[]> decideJson(RuleSet rs, DecideRequest req) {
        long start = System.nanoTime();
        AnswerCache answers = cacheFor(rs);
        AnswerCache.Answer hit = answers == null || req == null ? null : answers.get(req);
        if (hit != null) {
            metrics.decided(hit.modalGpu(), hit.firedRules(), System.nanoTime() - start, false);
            return CompletableFuture.completedFuture(hit.json());
        }
        requests.check(req);
        RuleSet held = rs.hold() ? rs : hold(); // replaced since the request began: the one in force answers
        AnswerCache kept = held == rs ? answers : cacheFor(held);
        CompletionStage<byte[]> answer = workers.submit(() -> evaluate(held, kept, req, start).json());
        answer.whenComplete((json, failure) -> held.release());
        return answer;
    }

    private AnswerCache.Answer evaluate(RuleSet rs, AnswerCache answers, DecideRequest req, long start) {
        try {
            boolean[] evaluated = {false}; // another thread may have kept this answer meanwhile
            AnswerCache.Answer a = answers == null ? AnswerCache.Answer.of(decide(rs, req, null))
                    : answers.answer(req, r -> {
                        evaluated[0] = true;
                        return AnswerCache.Answer.of(decide(rs, r, null));
                    });
            metrics.decided(a.modalGpu(), a.firedRules(), System.nanoTime() - start, answers == null || evaluated[0]);
            return a;
        } catch (PolicyException e) {
            metrics.policyError(e.rule());
            throw e;
        }
    }

    /**
     * A decision by {@code rs} that sees what the outcome store remembers of the model: every
     * decision of the service goes through here (decide, batch, recovery, diagnostics).
     */
    public DecideResponse decide(RuleSet rs, DecideRequest req, dev.gpuconfig.policy.Adjustments adjustments) {
        return Decider.decide(rs, req, adjustments, history.forModel(req.model(), rs.settings().historyWindowDays()));
    }

    /**
     * The cache of {@code rs} when it is the rule set in force, for the current generation of the
     * history; null for a replaced rule set that a request took just before the swap (its answers
     * are given, not kept). The generation is read before the history is, so an answer computed
     * from an older history is only ever kept in an older cache, which nobody reads.
     */
    private AnswerCache cacheFor(RuleSet rs) {
        long generation = history.generation();
        while (true) {
            AnswerCache current = cache.get();
            if (current != null && current.rules() == rs && current.generation() == generation) {
                return current;
            }
            if (current != null && current.rules() == rs && current.generation() > generation) {
                return null; // the history changed since this request began: its answer is given, not kept
            }
            if (rules.active().orElse(null) != rs) {
                return null;
            }
            AnswerCache fresh = new AnswerCache(rs, generation, current);
            if (cache.compareAndSet(current, fresh)) {
                return fresh;
            }
        }
    }

    /** The requests {@code rs} keeps answers for: what the service was asked recently under those rules. */
    public java.util.Set<DecideRequest> recentRequests(RuleSet rs) {
        AnswerCache current = cache.get();
        return current != null && current.rules() == rs ? current.requests() : java.util.Set.of();
    }

    /** How many answers the rule set in force remembers: for the metrics and tests. */
    public int remembered() {
        AnswerCache current = cache.get();
        return current != null && rules.active().orElse(null) == current.rules() ? current.size() : 0;
    }
}
