package dev.gpuconfig.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the recovery rules decide after a failure: the action, why, and for REDUCE_MEMORY the
 * same-GPU changes (utilization, max_model_len cap, engine arguments).
 */
public class RecoveryPlan {
    public static final String REDUCE_MEMORY = "REDUCE_MEMORY";
    public static final String FALLBACK_GPU = "FALLBACK_GPU";
    public static final String ALTERNATIVE_MODEL = "ALTERNATIVE_MODEL";
    public static final String GIVE_UP = "GIVE_UP";

    private String action;
    private String reason;
    private Double utilization;
    private Double utilizationCap;
    private Integer maxModelLenCap;
    private final Map<String, Object> engineArgs = new LinkedHashMap<>();
    private final List<String> firedRules = new ArrayList<>();

    public String getAction() { return action; }
    public String getReason() { return reason; }
    public Double getUtilization() { return utilization; }
    public Double getUtilizationCap() { return utilizationCap; }
    public Integer getMaxModelLenCap() { return maxModelLenCap; }
    public Map<String, Object> getEngineArgs() { return engineArgs; }
    public List<String> getFiredRules() { return firedRules; }

    public void setAction(String v) { action = v; }
    public void setReason(String v) { reason = v; }
    public void setUtilization(Double v) { utilization = v; }
    public void setUtilizationCap(Double v) { utilizationCap = v; }
    public void setMaxModelLenCap(Integer v) { maxModelLenCap = v; }

    /**
     * Sets action and reason together, for the service's own steps after the rules (OomService).
     * The rules set them with the two setters: a modify that calls this would make Drools take
     * every property of the plan as changed (rules/README.md).
     */
    public void decide(String action, String reason) {
        this.action = action;
        this.reason = reason;
    }
}
