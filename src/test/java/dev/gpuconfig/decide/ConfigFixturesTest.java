package dev.gpuconfig.decide;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuconfig.catalog.ModelSpec;
import dev.gpuconfig.modelid.ModelName;
import dev.gpuconfig.profile.MemoryMath;
import dev.gpuconfig.profile.ModelConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real config.json files of many architectures (src/test/resources/configs: dense MHA and GQA,
 * MLA with experts, experts, a sliding window, interleaved local layers, a multimodal model with
 * a nested text_config, an embedding encoder, AWQ, GPTQ, FP8, MXFP4): read as the service reads a
 * config sent with a request, each gives the figures of the catalog row of the same model within
 * 2 %, and the decision made from it keeps every invariant of a fit.
 */
class ConfigFixturesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/configs/fixtures.csv", numLinesToSkip = 1)
    void aConfigGivesTheCatalogsFiguresAndADecisionThatFits(String file, String model, String catalogKey, String kind,
                                                             String quantization, Long weightsBytes) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(Path.of("src/test/resources/configs", file)));
        ModelConfig c = ModelConfig.read(config);
        assertEquals(kind, c.kind(), "kind");
        assertEquals(quantization, c.quantization().wire(), "the checkpoint's format");
        if (catalogKey != null) {
            ModelSpec row = ShippedPolicy.get().models().lookup(ModelName.keyTokens(catalogKey)).orElseThrow();
            assertEquals(catalogKey, row.key());
            assertEquals(row.totalParamsB(), c.paramsB(), row.totalParamsB() * 0.02, "parameters against the catalog");
            long rowKv = MemoryMath.kvBytesPerToken(row.layers(), row.kvHeads(), row.headDim(), row.mlaWidth());
            assertEquals(rowKv, MemoryMath.kvBytesPerToken(c.layers(), c.kvHeads(), c.headDim(), c.mlaWidth()), rowKv * 0.02,
                    "KV bytes per token against the catalog");
            assertEquals(row.nativeContext(), c.nativeContext(), "native context");
        }
        // a private copy: only the config (and the weights' bytes) say what it is
        DecideRequest req = new DecideRequest("acme/private-copy", null, null, null, null, null, config, weightsBytes);
        DecideResponse a = Decider.decide(ShippedPolicy.get(), req);
        assertEquals("config", a.profile().sizeSource());
        FitInvariants.check(a, ShippedPolicy.get().gpus(), ShippedPolicy.get().settings());
        if (weightsBytes != null) {
            assertEquals(weightsBytes / MemoryMath.GIB, a.profile().weightsGiB(), 0.02, "the weights as their files hold them");
            if (catalogKey != null && c.quantization().wire().equals("none")) {
                ModelSpec row = ShippedPolicy.get().models().lookup(ModelName.keyTokens(catalogKey)).orElseThrow();
                assertEquals(row.totalParamsB(), a.profile().totalParamsBillions(), row.totalParamsB() * 0.02,
                        "the size the weights say against the catalog");
            }
        }
        if (kind.equals("embed")) {
            assertEquals("pooling", a.engineArgs().get("runner"));
        }
    }
}
