package dev.gpuconfig.catalog;

/** One configuration to try: {@code count} GPUs of one type ({@code NAME} or {@code NAME:COUNT} in the tables). */
public record Candidate(GpuSpec gpu, int count) {

    public String label() {
        return count == 1 ? gpu.getName() : gpu.getName() + ":" + count;
    }

    public double pricePerHour() {
        return gpu.getPricePerHour() * count;
    }
}
