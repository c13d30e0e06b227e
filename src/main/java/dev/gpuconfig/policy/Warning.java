package dev.gpuconfig.policy;

/** Something the caller should know about an answer: a stable code and a sentence. */
public record Warning(String code, String message) {
}
