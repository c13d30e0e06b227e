package dev.gpuconfig.policy;

/**
 * Stage 2 result: how the weights are stored. Built column by column by the formats table
 * (the last column inserts it), or by the fallback rule when no row matches.
 */
public class WeightFormat {
    private final String formatClass;
    private double bytesPerParam = 2.0;
    private double minComputeCapability = 7.0;
    private String engineQuantization;
    private boolean embeddings16;

    public WeightFormat(String formatClass) {
        this.formatClass = formatClass;
    }

    public String getFormatClass() { return formatClass; }
    public double getBytesPerParam() { return bytesPerParam; }
    public void setBytesPerParam(double v) { bytesPerParam = v; }
    public double getMinComputeCapability() { return minComputeCapability; }
    public void setMinComputeCapability(double v) { minComputeCapability = v; }
    public String getEngineQuantization() { return engineQuantization; }
    public void setEngineQuantization(String v) { engineQuantization = v == null || v.isBlank() ? null : v; }
    public boolean isEmbeddings16() { return embeddings16; }
    public void setEmbeddings16(boolean v) { embeddings16 = v; }
}
