package dev.gpuconfig.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpuconfig.catalog.GpuSpec;
import dev.gpuconfig.decide.DecideException;
import dev.gpuconfig.decide.DecideRequest;
import dev.gpuconfig.decide.DecisionService;
import dev.gpuconfig.decide.RequestReader;
import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.policy.ConfigurationHistory;
import dev.gpuconfig.store.HistoryCache;
import dev.gpuconfig.store.Outcome;
import dev.gpuconfig.store.OutcomeStore;
import dev.gpuconfig.store.StoreException;
import dev.gpuconfig.store.StoreMetrics;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reported outcomes: a start (POST /v1/outcomes) or a failure (POST /v1/oom, through
 * {@code recovery/OomService}) is stored before its answer is sent, and the history the rules see
 * changes with it; GET /v1/failures pages through the failures. Whatever the database, this is
 * the one path that writes.
 */
@ApplicationScoped
public class OutcomeService {
    /** The end of what vLLM printed that a failure keeps: its own message closes the traceback. */
    static final int EXCERPT_CHARS = 2000;
    static final int MAX_PAGE = 500;

    private final OutcomeStore store;
    private final HistoryCache history;
    private final StoreMetrics metrics;
    private final DecisionService decisions;
    private final RequestReader requests;
    private final ObjectMapper json;

    public OutcomeService(OutcomeStore store, HistoryCache history, StoreMetrics metrics, DecisionService decisions,
                          RequestReader requests, ObjectMapper json) {
        this.store = store;
        this.history = history;
        this.metrics = metrics;
        this.decisions = decisions;
        this.requests = requests;
        this.json = json;
    }

    /** POST /v1/outcomes: a decision that started, with the KV cache vLLM reported. */
    public FailurePage.Stored started(OutcomeRequest body) {
        requests.check(body);
        RuleSet rs = decisions.ruleSet();
        SentDecision d = body.decision();
        GpuSpec gpu = rs.gpus().find(d.gpu()).orElseThrow(() -> DecideException.invalid(
                "decision.gpu '" + d.gpu() + "' is not one of " + rs.gpus().all()));
        Long tokens = body.kvCacheTokens() != null ? body.kvCacheTokens()
                : body.gpuBlocks() != null ? body.gpuBlocks() * rs.settings().blockSize() : null;
        Outcome stored = write(new Outcome(null, null, d.model(), Outcome.STARTED, gpu.getName(), d.gpuCount(),
                d.memoryUtilization(), d.engineArgs().max_model_len(), d.engineArgs().kvFp8(), null, tokens,
                body.gpuBlocks(), rs.version(), requestJson(d), null));
        metrics.started();
        return new FailurePage.Stored(stored.id(), stored.model(), stored.gpu(), stored.gpuCount(), tokens, null);
    }

    /**
     * A failure of {@code d} on {@code gpu} x {@code count} that the recovery rules classified as
     * {@code errorClass}; {@code kvTokens} is the KV capacity vLLM printed, if it did.
     */
    public void failed(RuleSet rs, SentDecision d, GpuSpec gpu, int count, double utilization, int maxModelLen,
                       String errorClass, Long kvTokens, String error) {
        String excerpt = error.length() > EXCERPT_CHARS ? error.substring(error.length() - EXCERPT_CHARS) : error;
        write(new Outcome(null, null, d.model(), Outcome.FAILURE, gpu.getName(), count, utilization, maxModelLen,
                d.engineArgs().kvFp8(), errorClass, kvTokens, null, rs.version(), requestJson(d), excerpt));
        metrics.failed(d.model(), count == 1 ? gpu.getName() : gpu.getName() + ":" + count,
                errorClass == null ? "UNKNOWN" : errorClass);
    }

    /** GET /v1/failures: newest first, {@code limit} (1-500) a page, below the id {@code before}. */
    public FailurePage failures(String model, String before, String limit) {
        if (model != null) {
            requests.check(new DecideRequest(model, null, null, null, null, null));
        }
        Long below = number("before", before, 1, Long.MAX_VALUE);
        int size = limit == null ? 50 : number("limit", limit, 1, MAX_PAGE).intValue();
        RuleSet rs = decisions.ruleSet();
        int window = rs.settings().historyWindowDays();
        int toAvoid = rs.settings().historyFailuresToAvoid();
        List<FailurePage.Configuration> configs = null;
        if (model != null) {
            List<ConfigurationHistory> facts = history.forModel(model, window);
            if (facts == null) {
                throw store.isOpen() ? new StoreException("the outcome store cannot be read now", null)
                        : new StoreException("the outcome store is not open: " + store.lastError(), null);
            }
            configs = facts.stream().map(h -> new FailurePage.Configuration(h.getGpu(), h.getGpuCount(), h.getFailures(),
                    h.getSuccesses(), h.getErrorClasses(), h.getSmallestKvTokens(), h.getFailures() >= toAvoid)).toList();
        }
        List<Outcome> rows = store.failures(model, below, size + 1);
        List<FailurePage.Failure> page = rows.stream().limit(size).map(FailurePage.Failure::of).toList();
        String next = rows.size() > size ? "/v1/failures?" + (model == null ? "" : "model=" + encode(model) + "&")
                + "before=" + page.get(page.size() - 1).id() + "&limit=" + size : null;
        return new FailurePage(model, window, toAvoid, configs, page, next);
    }

    /** DELETE /v1/failures (admin): forgets every outcome of {@code model}. */
    public FailurePage.Stored forget(String model) {
        if (model == null) {
            throw DecideException.invalid("model is required: the outcomes of which model to forget");
        }
        requests.check(new DecideRequest(model, null, null, null, null, null));
        int n = store.forget(model);
        history.changed();
        return new FailurePage.Stored(null, model, null, null, null, n);
    }

    private Outcome write(Outcome o) {
        try {
            return store.record(o);
        } catch (StoreException e) {
            metrics.error();
            throw e;
        } finally {
            history.changed(); // also after a failed write: whether it committed is unknown
        }
    }

    private String requestJson(SentDecision d) {
        try {
            String s = json.writeValueAsString(d.request());
            return s.length() > 4000 ? null : s;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Long number(String name, String value, long min, long max) {
        if (value == null) {
            return null;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw DecideException.invalid(name + " must be a whole number from " + min + " to " + max);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
