package dev.gpuconfig.decide;

import dev.gpuconfig.api.Problem;
import dev.gpuconfig.batch.BatchAdmission;
import dev.gpuconfig.batch.BatchAnswers;
import dev.gpuconfig.batch.BatchBody;
import dev.gpuconfig.batch.BatchClient;

import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.policy.Decision;
import dev.gpuconfig.engine.DecisionEngine;
import dev.gpuconfig.policy.RequestFacts;
import dev.gpuconfig.engine.RuleLoopException;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.reload.RulesManager;
import dev.gpuconfig.profile.ModelProfile;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;
import org.kie.api.runtime.rule.ConsequenceException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import static dev.gpuconfig.profile.MemoryMath.round;

/**
 * The decide flow: take the active rule set once, build the model profile (name, catalog,
 * request), let the rules decide, and shape the answer. Everything that chooses is in the rules.
 */
@ApplicationScoped
public class DecisionService {
    public static final int MAX_BATCH = 1000;
    private static final String WARM_UP_MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    private static final Logger LOG = Logger.getLogger(DecisionService.class);
    private final RulesManager rules;
    private final DecisionMetrics metrics;
    private final DecisionWorkers workers;
    private final BatchAdmission batches;

    public DecisionService(RulesManager rules, DecisionMetrics metrics, DecisionWorkers workers, BatchAdmission batches) {
        this.rules = rules;
        this.metrics = metrics;
        this.workers = workers;
        this.batches = batches;
        metrics.rememberedAnswers(() -> rules.active().map(RuleSet::remembered).orElse(0));
    }

    public RuleSet ruleSet() {
        return rules.active().orElseThrow(() -> new DecideException(503, "No rule set active",
                "no valid rule set has been activated yet; see GET /v1/rules for why"));
    }

    /**
     * Decides on one given rule set, so a batch is answered by one version from start to end; also
     * what policy tests and the check command call on a candidate rule set before it is active.
     */
    public static DecideResponse decide(RuleSet rs, DecideRequest req) {
        return rs.memo(req, r -> decide(rs, r, null));
    }

    /**
     * The decision as JSON bytes, serialized once per request and rule set. An answer the memo
     * holds completes here, on the caller's (I/O) thread; any other is evaluated on a decision
     * thread ({@link DecisionWorkers}), so remembered answers never wait behind evaluations.
     */
    public CompletionStage<byte[]> decideJson(DecideRequest req) {
        RuleSet rs = ruleSet();
        JsonKey key = new JsonKey(req);
        long start = System.nanoTime();
        byte[] hit = remembered(rs, key, start);
        return hit != null ? CompletableFuture.completedFuture(hit) : workers.submit(() -> answer(rs, key, start).json());
    }

    /** The JSON the memo of {@code rs} holds for {@code key}, counted in the metrics; null if it holds none. */
    private byte[] remembered(RuleSet rs, JsonKey key, long start) {
        Answer hit = rs.memoized(key);
        if (hit == null) {
            return null;
        }
        metrics.decided(hit.modalGpu(), hit.firedRules(), System.nanoTime() - start, false);
        return hit.json();
    }

    /**
     * One request's answer on {@code rs}, counted in the metrics from {@code start}. The memo keeps
     * its JSON bytes with what the metrics count, so a repeated request costs one memo lookup.
     */
    private Answer answer(RuleSet rs, JsonKey key, long start) {
        try {
            // evaluated with the three-argument decide: the two-argument one would also keep the bare answer
            boolean[] evaluated = {false}; // the memo may hold an answer another thread stored meanwhile
            Answer a = rs.memo(key, k -> {
                evaluated[0] = true;
                return Answer.of(decide(rs, k.request(), null));
            });
            metrics.decided(a.modalGpu(), a.firedRules(), System.nanoTime() - start, evaluated[0]);
            return a;
        } catch (PolicyException e) {
            metrics.policyError(e.rule());
            throw e;
        }
    }

    private record JsonKey(DecideRequest request) {
    }

    /**
     * What the memo keeps of an answer served as JSON: the bytes, and the two fields the metrics
     * count. Not the answer itself: its objects took 2 KB beside 3 KB of JSON, and a memo full of
     * them kept the heap 20-30 MB larger under requests that rarely repeat (docs/performance.md, round 9).
     */
    private record Answer(String modalGpu, List<String> firedRules, byte[] json) {
        static Answer of(DecideResponse response) {
            return new Answer(response.modalGpu(), response.firedRules(), Json.write(response));
        }
    }

    /**
     * Builds Jackson's serializers for an answer once the server listens and a rule set is active
     * (at start-up the rules may be activated after the server listens), off any request: the first
     * decision after start spent 60% of its 100 ms there. Neither counted in the metrics nor kept as
     * JSON; a failure only means the first request builds them.
     */
    void warmUpJson(@ObservesAsync HttpServerStart event) {
        warmUpJsonOnceActive();
    }

    /** The warm-up of {@link #warmUpJson}, run when the first rule set is active; for tests to wait on. */
    CompletionStage<Void> warmUpJsonOnceActive() {
        return rules.firstActive().thenRunAsync(() -> rules.active().ifPresent(rs -> {
            try {
                Json.write(decide(rs, DecideRequest.of(WARM_UP_MODEL)));
            } catch (RuntimeException e) {
                LOG.debugf(e, "JSON warm-up on %s failed", WARM_UP_MODEL);
            }
        }));
    }

    /** A decision changed by a recovery step (POST /v1/oom); {@code adjustments} may be null. */
    public static DecideResponse decide(RuleSet rs, DecideRequest req, dev.gpuconfig.policy.Adjustments adjustments) {
        String pinned = null;
        if (req.gpu() != null) {
            pinned = rs.gpus().find(req.gpu()).map(GpuSpec::getName).orElseThrow(() -> DecideException.badRequest(
                    "gpu '" + req.gpu() + "' is not one of " + rs.gpus().all()));
        }
        ModelProfile profile = ProfileBuilder.build(req, rs.models(), rs.settings());
        if (req.contextLength() != null && profile.isNativeContextKnown() && req.contextLength() > profile.getNativeContext()) {
            throw DecideException.badRequest("contextLength " + req.contextLength() + " is above the model's native context of "
                    + profile.getNativeContext() + " tokens (vLLM refuses a longer max_model_len)");
        }
        Decision d;
        try {
            d = DecisionEngine.decide(rs, profile, new RequestFacts(req.contextLength(), pinned), adjustments);
        } catch (ConsequenceException e) {
            String rule = e.getMatch() == null ? "?" : e.getMatch().getRule().getName();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PolicyException(rule, "rule '" + rule + "' failed: " + cause);
        } catch (RuleLoopException e) {
            throw new PolicyException(e.rule(), e.getMessage());
        }
        if (d.getChosen() == null) {
            throw new DecideException(422, "No configuration fits", "no candidate of the policy holds " + req.model()
                    + " (" + round(profile.getTotalParamsB(), 1) + "B parameters, " + profile.getQuantization()
                    + ") with a " + d.getContextTarget() + "-token context; try a quantized variant or a smaller model"
                    + (d.getExcluded().isEmpty() ? "" : "; excluded: " + d.getExcluded()));
        }
        return DecideResponse.of(rs.version(), req, profile, d);
    }

    /**
     * Answers a batch on one rule set, in order: each answer is the JSON written once per request
     * and rule set; an invalid item gets a problem object in its place and the rest are still
     * answered. The body is counted here, and the batch waits, holding no thread, for room among
     * the items in flight ({@link BatchAdmission}); then it is parsed ({@link BatchBody}) and
     * answered on a decision thread: what the memo holds is copied there, the other items are
     * evaluated on the decision threads side by side (a dashboard's batch after an edit of the
     * rules is all new requests: one thread took 25 ms for 100 of them). The batch keeps its room
     * until its answer has left ({@link BatchClient#whenWritten}); the room is tied to that
     * before the answer is handed over, because the server cancels the returned stage when the
     * client leaves, and a release hung on it never ran. A batch whose client left while it
     * waited gives the room back unanswered: nobody would read the answer.
     * @throws DecideException 400 for a body that is not a JSON array of at most 1000 items
     */
    public CompletionStage<BatchAnswers> decideBatch(byte[] json, BatchClient client) {
        BatchBody body = BatchBody.of(json, MAX_BATCH);
        // a future of its own, completed from the admission's: a stage chained on the admission
        // (thenCompose) is what the server cancels when the client leaves, and a cancelled stage
        // never runs its function, so the room it held was never given back
        CompletableFuture<BatchAnswers> done = new CompletableFuture<>();
        batches.enter(body.items()).whenComplete((room, refused) -> {
            if (refused != null) {
                done.completeExceptionally(refused);
                return;
            }
            try {
                if (!client.waits()) {
                    throw new DecideException(503, "Client left", "the client closed the connection while its batch waited for room");
                }
                // the rule set active once the batch got its room: it may have waited seconds
                workers.submit(() -> answerBatch(ruleSet(), body.tree())).thenCompose(answers -> answers)
                        .whenComplete((answers, failure) -> {
                            try {
                                if (failure != null) {
                                    throw failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                                }
                                BatchAnswers batch = new BatchAnswers(answers, room);
                                client.whenWritten(batch::close);
                                done.complete(batch);
                            } catch (Throwable t) {
                                room.close();
                                done.completeExceptionally(t);
                            }
                        });
            } catch (RuntimeException | Error e) { // whatever fails, the room goes back and the client hears of it
                room.close();
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** The batch's answers, once the items the memo does not hold have been evaluated. */
    private CompletableFuture<byte[][]> answerBatch(RuleSet rs, com.fasterxml.jackson.databind.JsonNode items) {
        byte[][] answers = new byte[items.size()][];
        List<CompletableFuture<Void>> evaluating = new ArrayList<>();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        for (int i = 0; i < answers.length; i++) {
            long start = System.nanoTime();
            JsonKey key;
            try {
                key = new JsonKey(RequestReader.fromJson(items.get(i)));
            } catch (DecideException e) {
                answers[i] = Json.write(Problem.of(e));
                continue;
            }
            answers[i] = remembered(rs, key, start);
            if (answers[i] != null) {
                continue;
            }
            int slot = i;
            evaluating.add(workers.submit(() -> answer(rs, key, start).json()).handle((json, failure) -> {
                if (failure instanceof DecideException e) {
                    answers[slot] = Json.write(Problem.of(e));
                } else if (failure != null) {
                    unexpected.compareAndSet(null, failure);
                } else {
                    answers[slot] = json;
                }
                return (Void) null;
            }).toCompletableFuture());
        }
        return CompletableFuture.allOf(evaluating.toArray(CompletableFuture[]::new)).thenApply(allDone -> {
            Throwable failure = unexpected.get();
            if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            }
            return answers;
        });
    }
}
