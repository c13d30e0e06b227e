package dev.gpuconfig.recovery;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** nvidia-smi names as containers report them, mapped to the catalog's Modal names. */
class DiagnosticsServiceTest {
    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
            "NVIDIA L40S, L40S", "NVIDIA L4, L4", "Tesla T4, T4", "NVIDIA A10G, A10G",
            "NVIDIA H100 80GB HBM3, H100", "NVIDIA H200, H200", "NVIDIA B200, B200",
            "NVIDIA A100-SXM4-80GB, A100-80GB", "NVIDIA A100-PCIE-40GB, A100-40GB",
            "nvidia l40s, L40S", "NVIDIA GeForce RTX 4090, none", "NVIDIA L40, none", "NVIDIA T40, none"})
    void smiNamesMapToModalNames(String smi, String modal) {
        assertEquals(modal, DiagnosticsService.modalName(smi), smi);
    }
}
