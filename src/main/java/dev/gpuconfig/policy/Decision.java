package dev.gpuconfig.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decision the rules fill in. Stages hand their results on as facts (SizeBand, WeightFormat,
 * CandidateList, UtilizationPolicy); this object collects what the fit needs and what the answer
 * says. Only {@code chosen}, {@code noFit} and {@code pinnedFits} are matched on by rules, and they
 * change through {@code modify}; the rest is written by rules that run before the fit (salience)
 * and never matched on, so writing them needs no re-evaluation. A modify block calls setters only:
 * Drools takes a call of any other method as a change of every property, which made every rule
 * on {@code Decision()} fire again after the fit (warnings were given twice).
 */
public class Decision {
    // set by the stages before the fit; no rule matches on them
    private String band;
    private WeightFormat format;
    private final List<String> excluded = new ArrayList<>();
    private Boolean pinnedFits;
    private int contextTarget;
    private double overheadExtraGiB;
    private double kvFp8MinComputeCapability = 99;
    private Double startUtilization;
    private Double utilizationCap;
    private Integer maxModelLenCap;
    // the fit: matched on, changed with modify
    private Fit chosen;
    private List<Fit> fallbacks = List.of();
    private boolean noFit;
    private int maxModelLen;
    // output
    private final Map<String, Object> engineArgs = new LinkedHashMap<>();
    private final Map<Fit, Map<String, Object>> fallbackArgs = new java.util.IdentityHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Warning> warnings = new ArrayList<>();
    private final List<String> firedRules = new ArrayList<>();

    public String getBand() { return band; }
    public void setBand(String v) { band = v; }
    public WeightFormat getFormat() { return format; }
    public void setFormat(WeightFormat v) { format = v; }
    public List<String> getExcluded() { return excluded; }
    public Boolean getPinnedFits() { return pinnedFits; }
    public void setPinnedFits(Boolean v) { pinnedFits = v; }
    public int getContextTarget() { return contextTarget; }
    public void setContextTarget(int v) { contextTarget = v; }
    public double getOverheadExtraGiB() { return overheadExtraGiB; }
    public void setOverheadExtraGiB(double v) { overheadExtraGiB = v; }
    public double getKvFp8MinComputeCapability() { return kvFp8MinComputeCapability; }
    public void setKvFp8MinComputeCapability(double v) { kvFp8MinComputeCapability = v; }
    public Double getStartUtilization() { return startUtilization; }
    public void setStartUtilization(Double v) { startUtilization = v; }
    public Double getUtilizationCap() { return utilizationCap; }
    public void setUtilizationCap(Double v) { utilizationCap = v; }
    public Integer getMaxModelLenCap() { return maxModelLenCap; }
    public void setMaxModelLenCap(Integer v) { maxModelLenCap = v; }
    public Fit getChosen() { return chosen; }
    public void setChosen(Fit v) { chosen = v; }
    public List<Fit> getFallbacks() { return fallbacks; }
    public void setFallbacks(List<Fit> v) { fallbacks = v; }

    public boolean isNoFit() { return noFit; }
    public void setNoFit(boolean v) { noFit = v; }
    public int getMaxModelLen() { return maxModelLen; }
    public void setMaxModelLen(int v) { maxModelLen = v; }
    public Map<String, Object> getEngineArgs() { return engineArgs; }
    public Map<String, String> getEnv() { return env; }
    public List<Warning> getWarnings() { return warnings; }
    public List<String> getFiredRules() { return firedRules; }

    /**
     * Sets an engine argument of every configuration, the chosen one and each fallback; a null
     * value removes it (absent means "let vLLM decide").
     */
    public void arg(String name, Object value) {
        for (Fit f : getConfigurations()) {
            argFor(f, name, value);
        }
    }

    /** Sets an engine argument of one configuration ({@link #getChosen()} or a fallback); null removes it. */
    public void argFor(Fit configuration, String name, Object value) {
        Map<String, Object> args = argsFor(configuration);
        if (value == null) {
            args.remove(name);
        } else {
            args.put(name, value);
        }
    }

    /** The engine arguments of one configuration: the answer's for the chosen one, its own for a fallback. */
    public Map<String, Object> argsFor(Fit configuration) {
        return configuration == chosen ? engineArgs : fallbackArgs.computeIfAbsent(configuration, f -> new LinkedHashMap<>());
    }

    /** The chosen configuration, then the fallbacks: each starts as it is, with its own arguments. */
    public List<Fit> getConfigurations() {
        List<Fit> all = new ArrayList<>(fallbacks.size() + 1);
        if (chosen != null) {
            all.add(chosen);
        }
        all.addAll(fallbacks);
        return all;
    }

    public void env(String name, String value) {
        env.put(name, value);
    }

    public void warn(String code, String message) {
        warnings.add(new Warning(code, message));
    }
}
