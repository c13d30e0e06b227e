package dev.gpuconfig.policy;

/** What the caller asked for beyond the model, as the rules see it. */
public class RequestFacts {
    private final Integer contextLength;
    private final String pinnedGpu;

    public RequestFacts(Integer contextLength, String pinnedGpu) {
        this.contextLength = contextLength;
        this.pinnedGpu = pinnedGpu;
    }

    public Integer getContextLength() { return contextLength; }
    public String getPinnedGpu() { return pinnedGpu; }
}
