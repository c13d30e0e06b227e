package dev.gpuconfig.modelid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelNameTest {

    @ParameterizedTest(name = "{0} -> {1}B")
    @CsvSource({
            "meta-llama/Llama-3.1-8B-Instruct, 8",
            "meta-llama/Llama-3.2-1B, 1",
            "Qwen/Qwen2.5-0.5B-Instruct, 0.5",
            "Qwen/Qwen2.5-1.5B, 1.5",
            "google/gemma-2-2b-it, 2",
            "HuggingFaceTB/SmolLM2-135M-Instruct, 0.135",
            "HuggingFaceTB/SmolLM2-1.7B, 1.7",
            "bigscience/bloom-7b1, 7.1",
            "meta-llama/Llama-4-Scout-17B-16E-Instruct, 136",
            "mistralai/Mixtral-8x7B-Instruct-v0.1, 56",
            "Qwen/Qwen2.5-7B-Instruct-1M, 7",
            "microsoft/Phi-3-mini-4k-instruct, ",
            "mistralai/Mistral-7B-Instruct-v0.3, 7",
            "01-ai/Yi-1.5-34B-Chat, 34",
    })
    void sizeIsReadAsAWholeToken(String id, Double size) {
        ModelName n = ModelName.parse(id);
        if (size == null) {
            assertNull(n.sizeB(), id);
        } else {
            assertEquals(size, n.sizeB(), 1e-9, id);
        }
    }

    @Test
    void seventeenBIsNotSevenB() {
        ModelName n = ModelName.parse("meta-llama/Llama-4-Scout-17B-16E");
        assertEquals(17.0, n.activeB(), 1e-9);
        assertEquals(16, n.experts());
        assertTrue(n.sizeFromExperts());
        assertTrue(n.sizeB() > 17, "17B-16E is the active size of a larger model");
    }

    @Test
    void totalAndActiveOfAnAbName() {
        ModelName n = ModelName.parse("Qwen/Qwen3-30B-A3B-FP8");
        assertEquals(30.0, n.sizeB(), 1e-9);
        assertEquals(3.0, n.activeB(), 1e-9);
        assertEquals(Quantization.FP8, n.quantization());
    }

    @Test
    void versionNumbersAreNotSizes() {
        assertNull(ModelName.parse("mistralai/Mistral-Nemo-Instruct-2407").sizeB());
        assertNull(ModelName.parse("microsoft/phi-2").sizeB());
        assertNull(ModelName.parse("deepseek-ai/DeepSeek-V3").sizeB());
        assertEquals(1.0, ModelName.parse("meta-llama/Llama-3.2-1B").sizeB());
    }

    @ParameterizedTest(name = "{0} -> {1}/{2}")
    @CsvSource({
            "TheBloke/Llama-2-7B-Chat-GPTQ, GPTQ, 4",
            "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int8, GPTQ, 8",
            "Qwen/Qwen2.5-72B-Instruct-GPTQ-Int4, GPTQ, 4",
            "TheBloke/Llama-2-13B-chat-AWQ, AWQ, 4",
            "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4, AWQ, 4",
            "unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit, BNB, 4",
            "unsloth/llama-3-8b-Instruct-bnb-8bit, BNB, 8",
            "someone/Mistral-7B-4bit, BNB, 4",
            "someone/Llama-2-7b-nf4, BNB, 4",
            "someone/model-bitsandbytes, BNB, 4",
            "RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8, FP8, 8",
            "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8-dynamic, FP8, 8",
            "neuralmagic/Meta-Llama-3.1-8B-Instruct-quantized.w8a8, INT8, 8",
            "someone/Qwen2.5-7B-Instruct-int8, INT8, 8",
            "RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16, INT4, 4",
            "someone/Llama-3-8B-INT4, INT4, 4",
            "openai/gpt-oss-20b-mxfp4, MXFP4, 4",
            "nvidia/Llama-3.3-70B-Instruct-NVFP4, NVFP4, 4",
            "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF, GGUF, 0",
            "meta-llama/Llama-3.1-8B-Instruct, NONE, 16",
    })
    void quantizationSpellings(String id, Quantization q, int bits) {
        ModelName n = ModelName.parse(id);
        assertEquals(q, n.quantization(), id);
        assertEquals(bits, n.quantBits(), id);
    }

    @Test
    void ggufQuantTypeFromSuffixOrName() {
        assertEquals("Q4_K_M", ModelName.parse("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M").ggufType());
        assertEquals("Q5_K_S", ModelName.parse("someone/Llama-3.2-1B-Instruct-Q5_K_S-GGUF").ggufType());
        assertEquals("IQ4_XS", ModelName.parse("someone/Qwen2.5-7B-IQ4_XS.gguf").ggufType());
        assertNull(ModelName.parse("bartowski/Llama-3.2-3B-Instruct-GGUF").ggufType());
        assertEquals(Quantization.GGUF, ModelName.parse("someone/model:Q8_0").quantization());
    }

    @Test
    void keyTokensDropTuningAndFormatWords() {
        assertEquals(java.util.List.of("meta", "llama", "3.1", "8b"),
                ModelName.parse("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4").tokens());
        assertEquals(java.util.List.of("meta", "llama", "3.1", "8b"),
                ModelName.parse("RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16").tokens());
        assertEquals(java.util.List.of("qwen2.5", "coder", "7b"), ModelName.parse("Qwen/Qwen2.5-Coder-7B-Instruct").tokens());
    }

    @Test
    void shardedFromNameOrSplitFile() {
        assertTrue(ModelName.parse("ybelkada/falcon-7b-sharded-bf16").sharded());
        assertTrue(ModelName.parse("someone/big-model-00001-of-00003.gguf").sharded());
        assertFalse(ModelName.parse("meta-llama/Llama-3.1-8B").sharded());
        assertTrue(ModelName.parse("ybelkada/falcon-7b-sharded-bf16").explicit16Bit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a/b/c", "/model", "owner/", ".hidden/model", "owner/-model", "owner/mo..del",
            "owner/mo del", "owner/model:", "owner/model:Q4 K", "owner/m\u00e9del", "owner/model:Q4:K", "owner/model:x/y",
            "owner/.model", "owner/model:-Q4", "a/b/c:Q4_K_M", "..", "a..", "owner/model..gguf"})
    void invalidIds(String id) {
        assertNotNull(ModelName.invalidReason(id), id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"phi-2", "microsoft/phi-2", "bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M", "a/b", "x_y.z/Q-1",
            "_x/y.", "Qwen/Qwen2.5-0.5B-Instruct", "o/m:q4_0.gguf", "A/B-C_D.E"})
    void validIds(String id) {
        assertNull(ModelName.invalidReason(id), id);
    }

    @Test
    void partsLongerThan96AreInvalid() {
        assertNull(ModelName.invalidReason("o/" + "a".repeat(96)));
        assertNotNull(ModelName.invalidReason("o/" + "a".repeat(97)));
    }
}
