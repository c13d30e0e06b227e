package dev.gpuconfig.policy;

import java.util.Locale;

/**
 * A failed deployment as the recovery rules see it: the configuration that failed, what vLLM or
 * CUDA printed, and how many tries so far. {@code errorClass} is set by the classifying rules.
 * <p>
 * The rules see only the last {@link #TAIL_CHARS} characters of what was printed, lower-cased
 * ({@link #getError()}): vLLM's own message closes its traceback, and a bounded text keeps any
 * pattern an author writes from taking more than milliseconds. Classifying rules use
 * {@link #mentions}, which scans once and cannot backtrack.
 */
public class Incident {
    /** How much of the end of the error text the rules see. */
    public static final int TAIL_CHARS = 8192;
    private static final String KV_TOKENS = "maximum number of tokens that can be stored in kv cache (";
    /** Longer digit runs are no token count vLLM prints. */
    private static final int MAX_DIGITS = 12;

    private final String error;
    private final int attempt;
    private final String gpu;
    private final int gpuCount;
    private final double utilization;
    private final int maxModelLen;
    private final int contextTarget;
    private final Integer maxNumSeqs;
    private final boolean enforceEager;
    private final boolean hasFallbacks;
    private final Long reportedKvTokens;
    private String errorClass;
    private boolean sameGpuExhausted;

    public Incident(String error, int attempt, String gpu, int gpuCount, double utilization, int maxModelLen,
                    int contextTarget, Integer maxNumSeqs, boolean enforceEager, boolean hasFallbacks) {
        this.error = tail(error);
        this.attempt = attempt;
        this.gpu = gpu;
        this.gpuCount = gpuCount;
        this.utilization = utilization;
        this.maxModelLen = maxModelLen;
        this.contextTarget = contextTarget;
        this.maxNumSeqs = maxNumSeqs;
        this.enforceEager = enforceEager;
        this.hasFallbacks = hasFallbacks;
        this.reportedKvTokens = number(this.error, KV_TOKENS);
    }

    private static String tail(String text) {
        String t = text == null ? "" : text;
        return (t.length() > TAIL_CHARS ? t.substring(t.length() - TAIL_CHARS) : t).toLowerCase(Locale.ROOT);
    }

    /** The number right after the last {@code before} in {@code text}, when it is 1-12 digits; else null. */
    private static Long number(String text, String before) {
        int at = text.lastIndexOf(before);
        if (at < 0) {
            return null;
        }
        int from = at + before.length();
        int end = from;
        while (end < text.length() && end - from <= MAX_DIGITS && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return end == from || end - from > MAX_DIGITS ? null : Long.valueOf(text.substring(from, end));
    }

    /** Whether the error text holds {@code fragment} (lower-case), in one scan. */
    public boolean mentions(String fragment) {
        return error.contains(fragment);
    }

    /** Whether the error text holds {@code first} and, after it, {@code then} (both lower-case), in one scan. */
    public boolean mentions(String first, String then) {
        int at = error.indexOf(first);
        return at >= 0 && error.indexOf(then, at + first.length()) >= 0;
    }

    /** The last {@link #TAIL_CHARS} characters of what vLLM or CUDA printed, lower-cased. */
    public String getError() { return error; }
    public int getAttempt() { return attempt; }
    public String getGpu() { return gpu; }
    public int getGpuCount() { return gpuCount; }
    public double getUtilization() { return utilization; }
    public int getMaxModelLen() { return maxModelLen; }
    public int getContextTarget() { return contextTarget; }
    public Integer getMaxNumSeqs() { return maxNumSeqs; }
    public boolean isEnforceEager() { return enforceEager; }
    public boolean isHasFallbacks() { return hasFallbacks; }
    /** The KV capacity vLLM reported in "max seq len … larger than … KV cache (N)", or null. */
    public Long getReportedKvTokens() { return reportedKvTokens; }
    public String getErrorClass() { return errorClass; }
    public void setErrorClass(String v) { errorClass = v; }
    /** Set when every same-GPU step of the plan was tried and failed to give a new configuration. */
    public boolean isSameGpuExhausted() { return sameGpuExhausted; }
    public void setSameGpuExhausted(boolean v) { sameGpuExhausted = v; }
}
