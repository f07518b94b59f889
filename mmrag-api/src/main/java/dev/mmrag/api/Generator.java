package dev.mmrag.api;

import java.util.function.Consumer;

/**
 * Stage 3: writes the answer from a {@link Prompt}: a language model, or mmrag's offline template generator.
 *
 * <p>Thread-safety: implementations state theirs; the generators shipped with mmrag are safe for concurrent
 * use.
 */
@FunctionalInterface
public interface Generator {

    /**
     * @param prompt the prompt
     * @return the answer, citing the prompt's sources
     * @throws GenerationException when no answer can be produced
     */
    Answer generate(Prompt prompt);

    /**
     * Generates an answer and delivers its text as it is produced. The call returns when the answer is
     * complete. The default produces the whole answer, then delivers it in one piece; streaming back ends
     * deliver it piece by piece.
     *
     * @param prompt the prompt
     * @param onText receives the answer text in order, piece by piece; the pieces joined equal the final text
     *     unless the generator removed something afterwards (reported in {@link Answer#warnings()})
     * @return the complete answer
     */
    default Answer stream(Prompt prompt, Consumer<String> onText) {
        Answer answer = generate(prompt);
        onText.accept(answer.text());
        return answer;
    }
}
