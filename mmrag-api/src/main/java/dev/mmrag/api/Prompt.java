package dev.mmrag.api;

import java.util.List;

/**
 * What a {@link Generator} is given: instructions, the user's message with the retrieved context, images to
 * attach, and the sources the context was built from, numbered from 1 in this order.
 *
 * <p>Thread-safety: immutable.
 *
 * @param query the query the prompt answers
 * @param system the system instructions; may be empty, not null
 * @param user the user message: the question and the delimited context
 * @param images images to attach to the user message (the query image first, when there is one); copied
 * @param sources the retrieved items the context cites, source {@code [1]} first; copied
 */
public record Prompt(Query query, String system, String user, List<ImageContent> images, List<Retrieved> sources) {

    /** Validates and copies the fields. */
    public Prompt {
        if (query == null) {
            throw new InvalidInputException("a prompt needs the query it answers");
        }
        if (system == null) {
            throw new InvalidInputException("prompt system text must not be null (use \"\")");
        }
        if (user == null || user.isBlank()) {
            throw new InvalidInputException("prompt user text must not be blank");
        }
        images = List.copyOf(images);
        sources = List.copyOf(sources);
    }
}
