package dev.mmrag.api;

/**
 * One piece of content that an {@link Encoder} can turn into a vector: a {@link TextContent} or an
 * {@link ImageContent}; or a {@link VideoContent}, which a {@link Segmenter} first turns into time-coded segments of
 * those; or an {@link AudioContent}, whose speech a segmenter transcribes into time-coded texts. The hierarchy is sealed so that encoders and augmenters can handle every case.
 *
 * <p>Thread-safety: every implementation is immutable.
 */
public sealed interface Content permits TextContent, ImageContent, VideoContent, AudioContent {

    /** @return the modality of this content */
    Modality modality();

    /**
     * @return a short human-readable description for messages and logs (the text, shortened, or the
     *     image's file, URL or size); never the full content of a large text
     */
    String describe();

    /**
     * @param text the text, not blank
     * @return a text content
     */
    static TextContent text(String text) {
        return new TextContent(text);
    }
}
