package dev.mmrag.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.ImageFormat;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.TrustedImageSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Turns an mmrag {@link Prompt} into a LangChain4j {@link ChatRequest}: a system message with the prompt's
 * instructions (when there are any) and one user message that carries the prompt's text (the question and the
 * delimited {@code <source>} blocks), then the user's photo and the images of the best retrieved items, each
 * after a short label ("The user's photo:", "Image of source [2]:") so that the model knows which is which.
 *
 * <p>Images are sent inline, base64-encoded with their media type, because the providers cannot read local files
 * and should not be asked to fetch catalogue URLs. The media type is detected from the bytes (JPEG, PNG, GIF and
 * WebP, the formats vision models accept), not trusted from the file name. A query image that cannot be read, is
 * in another format or is larger than the limit is the caller's error ({@link InvalidInputException}, saying
 * whether the file starts like text when it is not an image); a retrieved item's image with such a problem is left out and
 * reported as a warning that names the item, since one broken catalogue picture must not stop the answer. That
 * warning never quotes the file: an item's image reference comes from stored metadata, which in a shared index
 * anyone who can write to it controls, and could name any file this process can read. For the same reason an
 * item's image is read only from the trusted sources ({@link TrustedImageSources#read}), when the request is
 * built: a file inside a trusted folder (after resolving links), or a URL under a trusted prefix.
 *
 * <p>Thread-safety: immutable.
 */
final class PromptMessages {

    /** The label before the user's photo. */
    static final String USER_PHOTO_LABEL = "The user's photo:";

    private final int maxItemImages;
    private final long maxImageBytes;
    private final TrustedImageSources trusted;

    /**
     * @param maxItemImages how many images of retrieved items to attach, at most
     * @param maxImageBytes the largest image, in bytes, to attach
     * @param trusted where retrieved items' images may be read from
     */
    PromptMessages(int maxItemImages, long maxImageBytes, TrustedImageSources trusted) {
        this.maxItemImages = maxItemImages;
        this.maxImageBytes = maxImageBytes;
        this.trusted = trusted;
    }

    /** A chat request and what had to be left out of it. */
    static final class Prepared {
        private final ChatRequest request;
        private final List<String> warnings;

        private Prepared(ChatRequest request, List<String> warnings) {
            this.request = request;
            this.warnings = List.copyOf(warnings);
        }

        /** @return the request */
        ChatRequest request() {
            return request;
        }

        /** @return images left out, and why */
        List<String> warnings() {
            return warnings;
        }
    }

    /**
     * @param prompt the prompt
     * @return the chat request, and warnings about item images that were left out
     * @throws InvalidInputException when the query image cannot be attached
     */
    Prepared prepare(Prompt prompt) {
        List<String> warnings = new ArrayList<>();
        List<Content> contents = new ArrayList<>();
        contents.add(TextContent.from(prompt.user()));
        List<ImageContent> images = prompt.images();
        int next = 0;
        ImageContent queryImage = prompt.query().image();
        if (queryImage != null && !images.isEmpty() && images.get(0).equals(queryImage)) {
            contents.add(TextContent.from(USER_PHOTO_LABEL));
            contents.add(toLangChain4j(queryImage, readQueryImage(queryImage), "the query image", true));
            next = 1;
        }
        int attached = 0;
        for (int i = next; i < images.size() && attached < maxItemImages; i++) {
            ImageContent image = images.get(i);
            int source = sourceIndex(image, prompt.sources());
            String item = source < 0 ? "a retrieved item" : "source [" + (source + 1) + "]";
            try {
                dev.langchain4j.data.message.ImageContent converted = toLangChain4j(image,
                        trusted.read(image, maxImageBytes), "the image", false);
                contents.add(TextContent.from("Image of " + item + ":"));
                contents.add(converted);
                attached++;
            } catch (InvalidInputException e) {
                String id = source < 0 ? "" : " (item " + prompt.sources().get(source).id() + ")";
                warnings.add("image of " + item + id + " not attached: " + e.getMessage());
            }
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (!prompt.system().isBlank()) {
            messages.add(SystemMessage.from(prompt.system()));
        }
        messages.add(UserMessage.from(contents));
        return new Prepared(ChatRequest.builder().messages(messages).build(), warnings);
    }

    /** @return the index of the source whose image this is, or -1 */
    private static int sourceIndex(ImageContent image, List<Retrieved> sources) {
        for (int i = 0; i < sources.size(); i++) {
            Optional<ImageContent> own = sources.get(i).image();
            if (own.isPresent() && own.get().equals(image)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param what the image, for messages
     * @param quoteHead whether the message for a file that is not an image may show its first bytes: only for the
     *     caller's own query image, never for a retrieved item's, whose file is named by untrusted metadata
     * @throws InvalidInputException when the image is missing, unreadable, too large or in another format
     */
    private dev.langchain4j.data.message.ImageContent toLangChain4j(ImageContent image, byte[] bytes, String what,
            boolean quoteHead) {
        String mediaType = ImageFormat.detect(bytes).filter(format -> format != ImageFormat.BMP)
                .map(ImageFormat::mediaType).orElseThrow(() -> new InvalidInputException(what + " ("
                + image.describe() + ") is not a JPEG, PNG, GIF or WebP image"
                + (quoteHead ? " (its first bytes are " + ImageFormat.describeHead(bytes) + ")" : "")
                + "; vision models accept only those formats"));
        return dev.langchain4j.data.message.ImageContent.from(Base64.getEncoder().encodeToString(bytes), mediaType);
    }

    /** Reads the caller's own photo, which needs no trusted source: the caller chose it. */
    private byte[] readQueryImage(ImageContent image) {
        String what = "the query image";
        Optional<Path> path = image.path();
        if (path.isPresent()) {
            checkSize(image, what, fileSize(path.get(), image, what));
        }
        byte[] bytes = image.readAllBytes();
        checkSize(image, what, bytes.length);
        return bytes;
    }

    private void checkSize(ImageContent image, String what, long size) {
        if (size > maxImageBytes) {
            throw new InvalidInputException(what + " (" + image.describe() + ") is " + size + " bytes; the limit for "
                    + "images sent to a language model is " + maxImageBytes + " bytes");
        }
    }

    private static long fileSize(Path path, ImageContent image, String what) {
        try {
            return Files.size(path);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(what + " (" + image.describe() + ") does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException(what + " (" + image.describe() + ") cannot be read: " + e, e);
        }
    }
}
