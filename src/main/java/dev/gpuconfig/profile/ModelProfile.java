package dev.gpuconfig.profile;

import dev.gpuconfig.modelid.Quantization;

/**
 * What the service believes about a model, from its name, the catalog and the request. Built in
 * Java before the rules run and read by them (a JavaBean because Drools constraints read
 * properties); the rules never change it.
 */
public class ModelProfile {
    private String modelId;
    private String family;
    private String catalogKey;
    private double totalParamsB;
    private Double activeParamsB;
    private String quantization = Quantization.NONE.wire();
    private int quantBits = 16;
    private String ggufType;
    private boolean ggufTypeAssumed;
    private boolean moe;
    private boolean gguf;
    private boolean sharded;
    private String sizeSource;
    private boolean sizeFromExperts;
    private Integer attentionHeads;
    private Integer kvHeads;
    private boolean mla;
    private long kvBytesPerToken;
    private boolean kvEstimated;
    private int nativeContext;
    private boolean nativeContextKnown;
    private boolean onlineQuantization;
    private Long weightsBytes;
    private String kind = "generate";
    private final java.util.List<Note> notes = new java.util.ArrayList<>();

    /** Something the service noticed while building the profile, said in the answer's warnings. */
    public record Note(String code, String message) {
    }

    public String getModelId() { return modelId; }
    public void setModelId(String v) { modelId = v; }
    public String getFamily() { return family; }
    public void setFamily(String v) { family = v; }
    public String getCatalogKey() { return catalogKey; }
    public void setCatalogKey(String v) { catalogKey = v; }
    public double getTotalParamsB() { return totalParamsB; }
    public void setTotalParamsB(double v) { totalParamsB = v; }
    public Double getActiveParamsB() { return activeParamsB; }
    public void setActiveParamsB(Double v) { activeParamsB = v; }
    public String getQuantization() { return quantization; }
    public void setQuantization(String v) { quantization = v; }
    public int getQuantBits() { return quantBits; }
    public void setQuantBits(int v) { quantBits = v; }
    public String getGgufType() { return ggufType; }
    public void setGgufType(String v) { ggufType = v; }
    public boolean isGgufTypeAssumed() { return ggufTypeAssumed; }
    public void setGgufTypeAssumed(boolean v) { ggufTypeAssumed = v; }
    public boolean isMoe() { return moe; }
    public void setMoe(boolean v) { moe = v; }
    public boolean isGguf() { return gguf; }
    public void setGguf(boolean v) { gguf = v; }
    public boolean isSharded() { return sharded; }
    public void setSharded(boolean v) { sharded = v; }
    public String getSizeSource() { return sizeSource; }
    public void setSizeSource(String v) { sizeSource = v; }
    public boolean isSizeFromExperts() { return sizeFromExperts; }
    public void setSizeFromExperts(boolean v) { sizeFromExperts = v; }
    public Integer getAttentionHeads() { return attentionHeads; }
    public void setAttentionHeads(Integer v) { attentionHeads = v; }
    public Integer getKvHeads() { return kvHeads; }
    public void setKvHeads(Integer v) { kvHeads = v; }
    public boolean isMla() { return mla; }
    public void setMla(boolean v) { mla = v; }
    public long getKvBytesPerToken() { return kvBytesPerToken; }
    public void setKvBytesPerToken(long v) { kvBytesPerToken = v; }
    public boolean isKvEstimated() { return kvEstimated; }
    public void setKvEstimated(boolean v) { kvEstimated = v; }
    public int getNativeContext() { return nativeContext; }
    public void setNativeContext(int v) { nativeContext = v; }
    public boolean isNativeContextKnown() { return nativeContextKnown; }
    public void setNativeContextKnown(boolean v) { nativeContextKnown = v; }
    /** The request asks vLLM to quantize a 16-bit checkpoint while loading (fp8 or bitsandbytes). */
    public boolean isOnlineQuantization() { return onlineQuantization; }
    public void setOnlineQuantization(boolean v) { onlineQuantization = v; }
    /** The bytes of the checkpoint's weight files, when the request sent them: the weights' memory as loaded. */
    public Long getWeightsBytes() { return weightsBytes; }
    public void setWeightsBytes(Long v) { weightsBytes = v; }
    /** {@code generate}, {@code embed} (embedding or pooling: no long generation) or {@code vision} (vision-language). */
    public String getKind() { return kind; }
    public void setKind(String v) { kind = v; }
    public java.util.List<Note> getNotes() { return notes; }
}
