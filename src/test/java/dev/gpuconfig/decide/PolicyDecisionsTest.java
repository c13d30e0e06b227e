package dev.gpuconfig.decide;

import dev.gpuconfig.engine.RuleSet;
import dev.gpuconfig.modelid.Quantization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import static dev.gpuconfig.decide.FitInvariants.hasWarning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped policy, through the real Drools engine, on real model ids. */
class PolicyDecisionsTest {

    private static DecideResponse decide(DecideRequest req) {
        DecideResponse a = ShippedPolicy.decide(req);
        RuleSet rs = ShippedPolicy.get();
        FitInvariants.check(a, rs.gpus(), rs.settings());
        return a;
    }

    private static DecideResponse decide(String model) {
        return decide(DecideRequest.of(model));
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/decisions.csv", numLinesToSkip = 4)
    void realModelIds(String model, String family, double total, Double active, String quantization, boolean moe,
                      boolean gguf, String sizeSource, String gpu, int gpuCount) {
        DecideResponse a = decide(model);
        DecideResponse.Profile p = a.profile();
        assertEquals(family, p.family(), "family");
        assertEquals(total, p.totalParamsBillions(), total * 0.02, "total parameters");
        if (active == null) {
            assertNull(p.activeParamsBillions(), "active parameters of a dense model");
        } else {
            assertEquals(active, p.activeParamsBillions(), active * 0.02, "active parameters");
        }
        assertEquals(quantization, p.quantization(), "quantization");
        assertEquals(moe, p.moe(), "moe");
        assertEquals(gguf, p.gguf(), "gguf");
        assertEquals(sizeSource, p.sizeSource(), "size source");
        assertEquals(gpu, a.gpu(), "gpu");
        assertEquals(gpuCount, a.gpuCount(), "gpu count");
    }

    @Test
    void theSeedsTrapsAreAnsweredRight() {
        assertEquals(109, decide("meta-llama/Llama-4-Scout-17B-16E-Instruct").profile().totalParamsBillions(), 1);
        assertEquals(46.7, decide("mistralai/Mixtral-8x7B-Instruct-v0.1").profile().totalParamsBillions(), 0.1);
        assertEquals("catalog", decide("microsoft/phi-2").profile().sizeSource());
        DecideResponse llama = decide("meta-llama/Llama-3.1-8B-Instruct");
        // 131072 tokens do not fit next to 15 GiB of weights on a 24 GB GPU: capped, and said so.
        assertEquals("L4", llama.gpu());
        assertTrue(hasWarning(llama, "MAX_MODEL_LEN_CAPPED"));
        assertTrue((int) llama.engineArgs().get("max_model_len") >= 16384);
        assertTrue((int) llama.engineArgs().get("max_model_len") < 131072);
    }

    @Test
    void contextLengthIsHonouredOrTheGpuGrows() {
        DecideResponse small = decide(new DecideRequest("meta-llama/Llama-3.1-8B-Instruct", 4096, null, null, null, null));
        assertEquals(4096, small.contextTarget());
        DecideResponse big = decide(new DecideRequest("meta-llama/Llama-3.1-8B-Instruct", 131072, null, null, null, null));
        assertEquals(131072, big.engineArgs().get("max_model_len"));
        assertFalse(big.gpu().equals("L4") && big.gpuCount() == 1, "the full context does not fit on one L4");
    }

    @Test
    void contextAboveTheNativeOneIsRefused() {
        DecideException e = assertThrows(DecideException.class, () -> ShippedPolicy.decide(
                new DecideRequest("meta-llama/Llama-2-7b-hf", 8192, null, null, null, null)));
        assertEquals(DecideException.Kind.INVALID, e.kind());
    }

    @Test
    void pinnedGpuThatFits() {
        DecideResponse a = decide(new DecideRequest("Qwen/Qwen2.5-7B-Instruct", null, null, null, null, "h100"));
        assertEquals("H100", a.gpu());
        assertEquals(Boolean.TRUE, a.pinnedGpuFits());
        assertEquals("fp8", a.engineArgs().get("kv_cache_dtype"), "FP8 KV cache on Hopper");
    }

    @Test
    void pinnedGpuThatCannotHoldTheModelFallsBackToThePolicy() {
        DecideResponse a = decide(new DecideRequest("meta-llama/Llama-3.1-70B-Instruct", null, null, null, null, "T4"));
        assertEquals(Boolean.FALSE, a.pinnedGpuFits());
        assertTrue(hasWarning(a, "PINNED_GPU_DOES_NOT_FIT"));
        assertFalse(a.gpu().equals("T4"));
    }

    @Test
    void unknownPinnedGpuIsBadInput() {
        assertEquals(DecideException.Kind.INVALID, assertThrows(DecideException.class, () -> ShippedPolicy.decide(
                new DecideRequest("Qwen/Qwen2.5-7B-Instruct", null, null, null, null, "RTX4090"))).kind());
    }

    @Test
    void requestOverridesNameAndCatalog() {
        DecideResponse a = decide(new DecideRequest("some-org/mystery-model", null, 70.0, Quantization.AWQ, null, null));
        assertEquals("request", a.profile().sizeSource());
        assertEquals("awq", a.profile().quantization());
        assertEquals("awq", a.engineArgs().get("quantization"));
        assertFalse(hasWarning(a, "SIZE_UNKNOWN"));
    }

    @Test
    void anUnknownSizeIsRefusedSayingWhatToSendNeverGuessed() {
        DecideException e = assertThrows(DecideException.class, () -> decide("some-org/mystery-model"));
        assertEquals(DecideException.Kind.UNSERVABLE, e.kind());
        assertEquals("Model size unknown", e.title());
        assertTrue(e.getMessage().contains("\"config\"") && e.getMessage().contains("\"weightsBytes\""), e.getMessage());
        assertEquals(DecideException.Kind.UNSERVABLE, assertThrows(DecideException.class,
                () -> decide("acme/support-bot-v3")).kind(), "a private fine-tune is no 7B either");
    }

    @Test
    void aPolicyMayChooseToAssumeASizeAndSaysSo() throws Exception {
        java.nio.file.Path dir = dev.gpuconfig.engine.RulesCopy.create();
        java.nio.file.Path settings = dir.resolve("settings.properties");
        dev.gpuconfig.engine.RulesCopy.write(settings, dev.gpuconfig.engine.RulesCopy.read(settings)
                .replace("size.default.billions=refuse", "size.default.billions=7"));
        dev.gpuconfig.engine.RuleSetBuilder.Result r = new dev.gpuconfig.engine.RuleSetBuilder(1)
                .build(dev.gpuconfig.engine.RuleFolder.read(dir));
        assertTrue(r.ok(), r.problems().toString());
        try {
            DecideResponse a = Decider.decide(r.ruleSet(), DecideRequest.of("some-org/mystery-model"));
            assertEquals("default", a.profile().sizeSource());
            assertEquals(7.0, a.profile().totalParamsBillions());
            assertTrue(hasWarning(a, "SIZE_UNKNOWN"));
            assertEquals(4096, a.engineArgs().get("max_model_len"), "unknown native context stays at a length every model supports");
        } finally {
            r.ruleSet().dispose();
        }
    }

    @Test
    void shardedCheckpointsStartFromTheSeedsConservativeValue() {
        DecideResponse a = decide(new DecideRequest("Qwen/Qwen2.5-0.5B-Instruct", null, null, null, true, null));
        assertEquals(0.55, a.memoryUtilization(), 1e-9);
        assertTrue(hasWarning(a, "SHARDED_SLOW_LOAD"));
        assertTrue(a.firedRules().contains("utilization: sharded checkpoint"));
    }

    @Test
    void t4RunsHalfPrecision() {
        DecideResponse a = decide("Qwen/Qwen2.5-0.5B-Instruct");
        assertEquals("T4", a.gpu());
        assertEquals("half", a.engineArgs().get("dtype"));
        assertEquals("auto", a.engineArgs().get("kv_cache_dtype"));
    }

    @Test
    void formatsNeedTheirComputeCapability() {
        // FP8 MoE needs 8.9: never the A100s; MXFP4 needs 8.0: never T4; Gemma refuses float16: never T4.
        DecideResponse moe = decide("Qwen/Qwen3-30B-A3B-FP8");
        assertTrue(moe.firedRules().contains("moe: fp8 experts need compute capability 8.9"));
        assertFalse(moe.gpu().startsWith("A100"));
        assertTrue(moe.fallbacks().stream().noneMatch(f -> f.gpu().startsWith("A100") || f.gpu().equals("A10G")));
        assertFalse(decide("openai/gpt-oss-20b").gpu().equals("T4"));
        assertFalse(decide("google/gemma-3-1b-it").gpu().equals("T4"));
        assertEquals("awq", decide("Qwen/Qwen2.5-7B-Instruct-AWQ").engineArgs().get("quantization"));
    }

    @Test
    void severalGpusOnlyWhenNoSingleOneFits() {
        DecideResponse a = decide("Qwen/Qwen3-235B-A22B");
        assertTrue(a.gpuCount() > 1);
        assertTrue(a.fallbacks().stream().allMatch(f -> f.gpuCount() > 1));
        DecideResponse b = decide("meta-llama/Llama-3.1-70B-Instruct");
        assertEquals(1, b.gpuCount(), "a 70B 16-bit model fits one B200");
    }

    @Test
    void ggufIsOneFileWithTheBaseTokenizer() {
        DecideResponse a = decide("bartowski/Llama-3.2-3B-Instruct-GGUF");
        assertTrue(hasWarning(a, "GGUF_SINGLE_FILE"));
        assertTrue(hasWarning(a, "GGUF_QUANT_ASSUMED"));
        assertEquals("Q4_K_M", a.profile().ggufType());
        DecideResponse q8 = decide("bartowski/Llama-3.2-3B-Instruct-GGUF:Q8_0");
        assertTrue(q8.profile().weightsGiB() > a.profile().weightsGiB());
    }

    @Test
    void vllmCannotLoadMlx() {
        assertEquals(DecideException.Kind.UNSERVABLE, assertThrows(DecideException.class,
                () -> ShippedPolicy.decide("mlx-community/Llama-3.2-3B-Instruct-4bit")).kind());
    }

    @Test
    void aModelNoConfigurationHoldsIsUnprocessable() {
        DecideException e = assertThrows(DecideException.class, () -> ShippedPolicy.decide(
                new DecideRequest("some-org/huge-model", null, 5000.0, null, null, null)));
        assertEquals(DecideException.Kind.UNSERVABLE, e.kind());
    }

    @Test
    void everyAnswerNamesTheRulesThatDecided() {
        DecideResponse a = decide("Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4");
        assertTrue(a.firedRules().contains("size band: xlarge"));
        assertTrue(a.firedRules().contains("format: gptq 4-bit"));
        assertTrue(a.firedRules().contains("gpu selection: xlarge 4bit"));
        assertTrue(a.firedRules().contains("fit: the first candidate that holds the model"));
        assertEquals(ShippedPolicy.get().version(), a.rulesVersion());
    }

    @Test
    void manyDecisionsInARowStayCorrect() {
        // Drools 10.2.0 jitting bug #6711 shows after about 20 evaluations of a constraint. The
        // Decider remembers nothing, so each of these 200 answers is a fresh run of the rules.
        DecideResponse first = decide("Qwen/Qwen3-8B");
        for (int i = 0; i < 200; i++) {
            assertEquals(first, ShippedPolicy.decide("Qwen/Qwen3-8B"), "evaluation " + i);
        }
    }
}
