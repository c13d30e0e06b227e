package dev.gpuconfig.policy;

import dev.gpuconfig.catalog.Candidate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a recovery step changes a decision (POST /v1/oom): the configurations to try instead of the
 * selection table's, a utilization to start from and one not to exceed, a cap on max_model_len,
 * and extra engine arguments. The decision rules honour it; absent for a plain decision.
 */
public class Adjustments {
    private List<Candidate> candidates;
    private Double utilization;
    private Double utilizationCap;
    private Integer maxModelLenCap;
    private final Map<String, Object> engineArgs = new LinkedHashMap<>();

    public List<Candidate> getCandidates() { return candidates; }
    public void setCandidates(List<Candidate> v) { candidates = v; }
    public Double getUtilization() { return utilization; }
    public void setUtilization(Double v) { utilization = v; }
    public Double getUtilizationCap() { return utilizationCap; }
    public void setUtilizationCap(Double v) { utilizationCap = v; }
    public Integer getMaxModelLenCap() { return maxModelLenCap; }
    public void setMaxModelLenCap(Integer v) { maxModelLenCap = v; }
    public Map<String, Object> getEngineArgs() { return engineArgs; }
}
