package dev.gpuconfig.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.DecisionWorkers;
import dev.gpuconfig.decide.RequestReader;
import dev.gpuconfig.engine.RuleSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Answers a batch on one rule set, in order; an invalid item gets its refusal in its place and the
 * rest are still answered. The body is counted first, then the batch waits, holding no thread, for
 * room among the items in flight ({@link BatchAdmission}); only then is it parsed and its items
 * answered, remembered ones at once and the others side by side on the decision threads. The batch
 * keeps its room until its answer has left ({@link BatchClient#whenWritten}).
 */
@ApplicationScoped
public class BatchService {
    public static final int MAX_ITEMS = 1000;
    private final DecisionService decisions;
    private final DecisionWorkers workers;
    private final BatchAdmission admission;
    private final RequestReader requests;

    public BatchService(DecisionService decisions, DecisionWorkers workers, BatchAdmission admission, RequestReader requests) {
        this.decisions = decisions;
        this.workers = workers;
        this.admission = admission;
        this.requests = requests;
    }

    /** @throws DecideException invalid, for a body that is not a JSON array of at most {@link #MAX_ITEMS} items */
    public CompletionStage<BatchAnswers> decide(byte[] json, BatchClient client) {
        BatchBody body = BatchBody.of(json, MAX_ITEMS);
        // A future of its own, completed from the admission's: the server cancels the stage it is
        // given when the client leaves, and a cancelled dependent stage never runs its function,
        // so a room held by a chained stage would never be given back.
        CompletableFuture<BatchAnswers> done = new CompletableFuture<>();
        admission.enter(body.items()).whenComplete((room, refused) -> {
            if (refused != null) {
                done.completeExceptionally(refused);
                return;
            }
            try {
                if (!client.waits()) { // nobody would read the answer
                    throw DecideException.busy("Client left", "the client closed the connection while its batch waited for room");
                }
                // the rule set in force once the batch got its room: it may have waited seconds
                RuleSet rs = decisions.hold(); // one version answers the whole batch
                workers.submit(() -> answer(rs, body.tree())).thenCompose(answers -> answers)
                        .whenComplete((answers, failure) -> rs.release())
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

    /** Each item's answer (JSON bytes) or refusal ({@link DecideException}), once all are known. */
    private CompletableFuture<Object[]> answer(RuleSet rs, JsonNode items) {
        Object[] answers = new Object[items.size()];
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < answers.length; i++) {
            int slot = i;
            try {
                pending.add(decisions.decideJson(rs, requests.fromJson(items.get(i))).handle((json, failure) -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause != null && !(cause instanceof DecideException)) {
                        throw new CompletionException(cause); // not the item's fault: the whole batch fails
                    }
                    answers[slot] = cause != null ? cause : json;
                    return (Void) null;
                }).toCompletableFuture());
            } catch (DecideException e) {
                answers[i] = e;
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(allDone -> answers);
    }
}
