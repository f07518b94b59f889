package dev.mmrag.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ContentType;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.embedding.response.EmbeddingResponseMetadata;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Any mmrag {@link Encoder} as a LangChain4j {@link EmbeddingModel}, so that a CLIP encoder (text and images in
 * one space) can feed any of LangChain4j's embedding stores, or be used wherever LangChain4j expects an embedding
 * model.
 *
 * <p>LangChain4j 1.19's {@code EmbeddingModel} takes multimodal input through
 * {@link #embed(EmbeddingRequest)}: each {@link EmbeddingInput} holds contents, and this model embeds inputs
 * made of one {@link TextContent} or one {@link ImageContent} (base64 data with its media type, a
 * {@code data:} URL, or an {@code http(s)}/{@code file} URL, read by the encoder). The text methods
 * ({@code embed(String)}, {@code embed(TextSegment)}, {@code embedAll(List)}) go through the same path, so text
 * and images land in the same space. {@link #supportedContentTypes()} follows the encoder's modalities; LangChain4j
 * itself refuses other content types ({@code UnsupportedFeatureException}), and so request parameters such as a
 * model name or a dimension, which an encoder cannot change.
 *
 * <p>All inputs of a request are encoded in one batch. An input with several contents (text and image together)
 * is refused with an {@link InvalidInputException}: an encoder embeds one content per vector, and this adapter does
 * not invent a way to combine them. Errors are mmrag's exceptions (unchecked): {@link InvalidInputException} for
 * unreadable or empty input, {@code UnsupportedModalityException}, {@code EncodingException}.
 *
 * <p>Defaults: the model name is the encoder's {@code toString()} unless one is given. The encoder is not closed
 * by this class.
 *
 * <p>Thread-safety: as safe as the encoder (mmrag's encoders are safe for concurrent use); this class holds no
 * mutable state.
 */
public final class EncoderEmbeddingModel implements EmbeddingModel {

    private final Encoder encoder;
    private final String modelName;
    private final Set<ContentType> contentTypes;

    private EncoderEmbeddingModel(Encoder encoder, String modelName) {
        if (encoder == null) {
            throw new InvalidInputException("encoder must not be null");
        }
        this.encoder = encoder;
        this.modelName = modelName != null ? modelName : encoder.toString();
        Set<ContentType> types = EnumSet.noneOf(ContentType.class);
        if (encoder.supports(Modality.TEXT)) {
            types.add(ContentType.TEXT);
        }
        if (encoder.supports(Modality.IMAGE)) {
            types.add(ContentType.IMAGE);
        }
        this.contentTypes = Set.copyOf(types);
    }

    /**
     * @param encoder the encoder
     * @return the encoder as an embedding model named after the encoder
     */
    public static EncoderEmbeddingModel of(Encoder encoder) {
        return new EncoderEmbeddingModel(encoder, null);
    }

    /**
     * @param encoder the encoder
     * @param modelName the name {@link #modelName()} reports, such as "mini-clip"
     * @return the encoder as an embedding model
     */
    public static EncoderEmbeddingModel of(Encoder encoder, String modelName) {
        if (modelName == null || modelName.isBlank()) {
            throw new InvalidInputException("model name must not be blank");
        }
        return new EncoderEmbeddingModel(encoder, modelName);
    }

    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        List<EmbeddingInput> inputs = request.inputs();
        List<dev.mmrag.api.Content> contents = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            contents.add(toMmrag(inputs.get(i), i));
        }
        List<float[]> vectors = contents.isEmpty() ? List.of() : encoder.encode(contents);
        List<Embedding> embeddings = new ArrayList<>(vectors.size());
        for (float[] vector : vectors) {
            embeddings.add(Embedding.from(vector));
        }
        return EmbeddingResponse.builder().embeddings(embeddings)
                .metadata(EmbeddingResponseMetadata.builder().modelName(modelName).build()).build();
    }

    @Override
    public Set<ContentType> supportedContentTypes() {
        return contentTypes;
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public String modelName() {
        return modelName;
    }

    private static dev.mmrag.api.Content toMmrag(EmbeddingInput input, int index) {
        List<Content> contents = input.contents();
        if (contents.size() != 1) {
            throw new InvalidInputException("embedding input " + index + " has " + contents.size() + " contents "
                    + input.contentTypes() + "; expected exactly one text or image per input");
        }
        Content content = contents.get(0);
        if (content instanceof TextContent) {
            return dev.mmrag.api.Content.text(((TextContent) content).text());
        }
        if (content instanceof ImageContent) {
            return toMmrag(((ImageContent) content).image(), index);
        }
        throw new InvalidInputException("embedding input " + index + " is " + content.type()
                + "; expected TEXT or IMAGE");
    }

    private static dev.mmrag.api.ImageContent toMmrag(Image image, int index) {
        String mediaType = imageType(image.mimeType());
        if (image.base64Data() != null) {
            return dev.mmrag.api.ImageContent.of(decode(image.base64Data(), index), mediaType);
        }
        URI url = image.url();
        if (url == null) {
            throw new InvalidInputException("embedding input " + index + " is an image with neither data nor URL");
        }
        if ("data".equalsIgnoreCase(url.getScheme())) {
            return fromDataUrl(url.toString(), index);
        }
        return dev.mmrag.api.ImageContent.of(url, mediaType);
    }

    /** Reads {@code data:image/png;base64,....}. */
    private static dev.mmrag.api.ImageContent fromDataUrl(String url, int index) {
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring("data:".length(), comma).toLowerCase(Locale.ROOT);
        if (comma < 0 || !header.endsWith(";base64")) {
            throw new InvalidInputException("embedding input " + index + " is a data URL that is not base64 ("
                    + url.substring(0, Math.min(40, url.length())) + "...); expected data:image/...;base64,...");
        }
        return dev.mmrag.api.ImageContent.of(decode(url.substring(comma + 1), index),
                imageType(header.substring(0, header.length() - ";base64".length())));
    }

    private static byte[] decode(String base64, int index) {
        try {
            return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("embedding input " + index + " has image data that is not valid base64: "
                    + e.getMessage(), e);
        }
    }

    /** The media type when it is an image type; the encoder detects the format from the bytes anyway. */
    private static String imageType(String mimeType) {
        return mimeType != null && mimeType.toLowerCase(Locale.ROOT).startsWith("image/") ? mimeType : null;
    }

    @Override
    public String toString() {
        return "EncoderEmbeddingModel[" + modelName + ", dimension " + encoder.dimension() + ", " + contentTypes + "]";
    }
}
