package dev.mmrag.langchain4j;

import dev.mmrag.api.InvalidInputException;

/**
 * The language-model providers that {@link LangChain4jGenerator#forProvider(LlmProvider)} can configure, with
 * their defaults:
 *
 * <table>
 *   <caption>Provider defaults</caption>
 *   <tr><th>provider</th><th>default model</th><th>API key variable</th><th>default base URL</th></tr>
 *   <tr><td>{@link #OPENAI}</td><td>{@code gpt-4o-mini}</td><td>{@code OPENAI_API_KEY}</td>
 *       <td>{@code https://api.openai.com/v1}</td></tr>
 *   <tr><td>{@link #OLLAMA}</td><td>{@code llava}</td><td>none</td><td>{@code http://localhost:11434}</td></tr>
 *   <tr><td>{@link #ANTHROPIC}</td><td>{@code claude-haiku-4-5-20251001}</td><td>{@code ANTHROPIC_API_KEY}</td>
 *       <td>{@code https://api.anthropic.com/v1/}</td></tr>
 *   <tr><td>{@link #GEMINI}</td><td>{@code gemini-2.5-flash}</td><td>{@code GEMINI_API_KEY}</td>
 *       <td>{@code https://generativelanguage.googleapis.com/v1beta}</td></tr>
 * </table>
 *
 * <p>Every default model accepts images. {@link #OPENAI} with another base URL also reaches OpenAI-compatible
 * servers (vLLM, llama.cpp, LM Studio, Azure-style gateways).
 *
 * <p>Thread-safety: immutable.
 */
public enum LlmProvider {
    /** OpenAI's chat completions API, or any server that speaks it. */
    OPENAI("openai", "gpt-4o-mini", "OPENAI_API_KEY", "https://api.openai.com/v1"),
    /** A local or remote Ollama server ({@code /api/chat}); needs no key. */
    OLLAMA("ollama", "llava", null, "http://localhost:11434"),
    /** Anthropic's messages API. */
    ANTHROPIC("anthropic", "claude-haiku-4-5-20251001", "ANTHROPIC_API_KEY", "https://api.anthropic.com/v1/"),
    /** Google's Gemini API (Google AI Studio keys). */
    GEMINI("gemini", "gemini-2.5-flash", "GEMINI_API_KEY", "https://generativelanguage.googleapis.com/v1beta");

    private final String id;
    private final String defaultModel;
    private final String keyVariable;
    private final String defaultBaseUrl;

    LlmProvider(String id, String defaultModel, String keyVariable, String defaultBaseUrl) {
        this.id = id;
        this.defaultModel = defaultModel;
        this.keyVariable = keyVariable;
        this.defaultBaseUrl = defaultBaseUrl;
    }

    /** @return the short name used on the command line and in answers' generator names, such as "openai" */
    public String id() {
        return id;
    }

    /** @return the model used when none is given */
    public String defaultModel() {
        return defaultModel;
    }

    /** @return the environment variable the API key is read from, or null when the provider needs no key */
    public String keyVariable() {
        return keyVariable;
    }

    /** @return the base URL used when none is given */
    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** @return whether calls need an API key */
    public boolean needsKey() {
        return keyVariable != null;
    }

    /**
     * @param id a provider's {@link #id()}, in any case, such as "openai"
     * @return the provider
     * @throws InvalidInputException when no provider has that id
     */
    public static LlmProvider fromId(String id) {
        for (LlmProvider provider : values()) {
            if (provider.id.equalsIgnoreCase(id == null ? "" : id.strip())) {
                return provider;
            }
        }
        StringBuilder ids = new StringBuilder();
        for (LlmProvider provider : values()) {
            ids.append(ids.length() == 0 ? "" : ", ").append(provider.id);
        }
        throw new InvalidInputException("unknown language-model provider '" + id + "'; expected one of "
                + ids);
    }
}
