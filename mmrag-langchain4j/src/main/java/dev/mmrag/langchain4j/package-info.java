/**
 * mmrag and LangChain4j: {@link dev.mmrag.langchain4j.LangChain4jGenerator}, a {@link dev.mmrag.api.Generator} over
 * any LangChain4j chat model (presets for OpenAI and compatible servers, Ollama, Anthropic, Gemini) with deadlines,
 * retries, a circuit breaker, an offline fallback and a guard on the links an answer may contain; and
 * {@link dev.mmrag.langchain4j.EncoderEmbeddingModel}, which offers an mmrag encoder to LangChain4j as an embedding
 * model.
 */
package dev.mmrag.langchain4j;
