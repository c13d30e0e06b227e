package dev.gpuconfig.policy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed deployment as the recovery rules see it: the configuration that failed, what vLLM or
 * CUDA printed, and how many tries so far. {@code errorClass} is set by the classifying rules.
 */
public class Incident {
    private static final Pattern KV_TOKENS = Pattern.compile(
            "maximum number of tokens that can be stored in KV cache \\((\\d+)\\)", Pattern.CASE_INSENSITIVE);

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
        this.error = error;
        this.attempt = attempt;
        this.gpu = gpu;
        this.gpuCount = gpuCount;
        this.utilization = utilization;
        this.maxModelLen = maxModelLen;
        this.contextTarget = contextTarget;
        this.maxNumSeqs = maxNumSeqs;
        this.enforceEager = enforceEager;
        this.hasFallbacks = hasFallbacks;
        Matcher m = KV_TOKENS.matcher(error);
        this.reportedKvTokens = m.find() ? Long.valueOf(m.group(1)) : null;
    }

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
