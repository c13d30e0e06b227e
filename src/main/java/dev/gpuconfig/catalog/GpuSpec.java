package dev.gpuconfig.catalog;

/**
 * One GPU type as the rules see it. A small immutable bean (getters) because Drools constraints
 * read it by property name.
 */
public final class GpuSpec {
    private final String name;
    private final double memoryGiB;
    private final double computeCapability;
    private final boolean bf16;
    private final boolean fp8;
    private final double pricePerHour;
    private final String modalFunction;
    private final int maxPerContainer;

    public GpuSpec(String name, double memoryGiB, double computeCapability, boolean bf16, boolean fp8,
                   double pricePerHour, String modalFunction, int maxPerContainer) {
        this.name = name;
        this.memoryGiB = memoryGiB;
        this.computeCapability = computeCapability;
        this.bf16 = bf16;
        this.fp8 = fp8;
        this.pricePerHour = pricePerHour;
        this.modalFunction = modalFunction;
        this.maxPerContainer = maxPerContainer;
    }

    public String getName() { return name; }
    public double getMemoryGiB() { return memoryGiB; }
    public double getComputeCapability() { return computeCapability; }
    public boolean isBf16() { return bf16; }
    public boolean isFp8() { return fp8; }
    public double getPricePerHour() { return pricePerHour; }
    public String getModalFunction() { return modalFunction; }
    public int getMaxPerContainer() { return maxPerContainer; }

    @Override
    public String toString() {
        return name;
    }
}
