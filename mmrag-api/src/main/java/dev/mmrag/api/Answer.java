package dev.mmrag.api;

import java.util.List;

/**
 * A generated answer and the sources it is based on.
 *
 * <p>Thread-safety: immutable.
 *
 * @param text the answer text
 * @param sources the retrieved items the answer is based on; copied
 * @param generator which generator wrote it (such as "template" or "openai:gpt-4o-mini")
 * @param fallback whether this is a fallback answer written because the primary generator failed
 * @param warnings things the generator changed or noticed, for example links it removed; copied
 */
public record Answer(String text, List<Retrieved> sources, String generator, boolean fallback, List<String> warnings) {

    /** Validates and copies the fields. */
    public Answer {
        if (text == null) {
            throw new GenerationException("answer text must not be null");
        }
        if (generator == null || generator.isBlank()) {
            throw new GenerationException("an answer must name its generator");
        }
        sources = List.copyOf(sources);
        warnings = List.copyOf(warnings);
    }

    /**
     * @param text the answer text
     * @param sources the sources
     * @param generator the generator's name
     * @return a regular (non-fallback) answer without warnings
     */
    public static Answer of(String text, List<Retrieved> sources, String generator) {
        return new Answer(text, sources, generator, false, List.of());
    }
}
