package dev.gpuconfig.changes;

import dev.gpuconfig.decide.DecideResponse;

/**
 * A decision that moved between two rule sets: the request, and what each side answered
 * ({@code null} where that side refused).
 */
public record Change(String model, Integer contextLength, Side before, Side after) {

    /** The parts of an answer that say where and how a model runs. */
    public record Side(String gpu, int gpuCount, double memoryUtilization, int maxModelLen) {
        static Side of(DecideResponse r) {
            return r == null ? null : new Side(r.gpu(), r.gpuCount(), r.memoryUtilization(),
                    ((Number) r.engineArgs().get("max_model_len")).intValue());
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s x%d %.2f %d", gpu, gpuCount, memoryUtilization, maxModelLen);
        }
    }

    /** One line, as {@code bin/check-rules --against} prints it. */
    public String line() {
        return model + (contextLength == null ? "" : " ctx " + contextLength) + ": "
                + (before == null ? "refused" : before) + " -> " + (after == null ? "refused" : after);
    }
}
