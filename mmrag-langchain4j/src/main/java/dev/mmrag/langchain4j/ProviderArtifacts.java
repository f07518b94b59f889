package dev.mmrag.langchain4j;

import dev.mmrag.api.MmragException;

/**
 * Which LangChain4j module each {@link LlmProvider} needs. mmrag-langchain4j declares the provider modules
 * {@code <optional>true</optional>}, so an application pulls only the providers it declares; this class finds out,
 * before a model is built, whether the chosen provider's module is on the class path, and otherwise fails with
 * the artifact to add. Stateless; package-private.
 */
final class ProviderArtifacts {

    private ProviderArtifacts() {
    }

    /**
     * @param provider a provider
     * @return the Maven coordinates (groupId:artifactId) of its LangChain4j module
     */
    static String artifact(LlmProvider provider) {
        switch (provider) {
            case OPENAI:
                return "dev.langchain4j:langchain4j-open-ai";
            case OLLAMA:
                return "dev.langchain4j:langchain4j-ollama";
            case ANTHROPIC:
                return "dev.langchain4j:langchain4j-anthropic";
            case GEMINI:
                return "dev.langchain4j:langchain4j-google-ai-gemini";
            default:
                throw new IllegalStateException("no artifact for provider " + provider);
        }
    }

    /**
     * @param provider a provider
     * @return the name of the chat model class its module holds
     */
    static String modelClass(LlmProvider provider) {
        switch (provider) {
            case OPENAI:
                return "dev.langchain4j.model.openai.OpenAiChatModel";
            case OLLAMA:
                return "dev.langchain4j.model.ollama.OllamaChatModel";
            case ANTHROPIC:
                return "dev.langchain4j.model.anthropic.AnthropicChatModel";
            case GEMINI:
                return "dev.langchain4j.model.googleai.GoogleAiGeminiChatModel";
            default:
                throw new IllegalStateException("no model class for provider " + provider);
        }
    }

    /**
     * @param provider the chosen provider
     * @param loader where to look for its module
     * @throws MmragException naming the artifact to add when the module is not there
     */
    static void require(LlmProvider provider, ClassLoader loader) {
        try {
            Class.forName(modelClass(provider), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw missing(provider, e);
        }
    }

    /**
     * @param provider the chosen provider
     * @param cause what the JVM reported
     * @return the exception that names the artifact to add
     */
    static MmragException missing(LlmProvider provider, Throwable cause) {
        String artifact = artifact(provider);
        String[] parts = artifact.split(":");
        return new MmragException("the " + provider.id() + " provider needs " + artifact + " on the class path, and it "
                + "is not there (mmrag-langchain4j declares each provider optional, so that an application pulls only "
                + "the one it uses): add <dependency><groupId>" + parts[0] + "</groupId><artifactId>" + parts[1]
                + "</artifactId></dependency>, at the version of your langchain4j-core, to your build", cause);
    }
}
