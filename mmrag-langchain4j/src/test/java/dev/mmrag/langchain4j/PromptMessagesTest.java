package dev.mmrag.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.api.TrustedImageSources;
import dev.mmrag.core.DefaultAugmenter;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PromptMessages}: how an mmrag prompt, with real catalogue JPEGs, becomes a LangChain4j chat request. */
class PromptMessagesTest {

    private static final long LIMIT = LangChain4jGenerator.DEFAULT_MAX_IMAGE_BYTES;
    private static final TrustedImageSources CATALOGUE = TrustedImageSources.ofFolders(TestData.styleCatalog());

    private static UserMessage user(List<ChatMessage> messages) {
        return (UserMessage) messages.get(messages.size() - 1);
    }

    /** The user message's parts, as "text:..." or "image:<media type>:<byte count>". */
    private static List<String> parts(UserMessage message) {
        List<String> parts = new ArrayList<>();
        for (Content content : message.contents()) {
            if (content instanceof TextContent) {
                parts.add("text:" + ((TextContent) content).text());
            } else {
                dev.langchain4j.data.image.Image image = ((dev.langchain4j.data.message.ImageContent) content).image();
                parts.add("image:" + image.mimeType() + ":" + Base64.getDecoder().decode(image.base64Data()).length);
            }
        }
        return parts;
    }

    private static String image(Path file) {
        return "image:image/jpeg:" + StylePrompts.bytes(file).length;
    }

    @Test
    void theUserPhotoComesFirstThenTheBestItemsImagesEachLabelled() {
        Prompt prompt = StylePrompts.textAndPhoto();

        PromptMessages.Prepared prepared = new PromptMessages(2, LIMIT, CATALOGUE).prepare(prompt);

        List<ChatMessage> messages = prepared.request().messages();
        assertThat(messages).hasSize(2);
        assertThat(((SystemMessage) messages.get(0)).text()).isEqualTo(DefaultAugmenter.DEFAULT_SYSTEM);
        assertThat(parts(user(messages))).containsExactly(
                "text:" + prompt.user(),
                "text:" + PromptMessages.USER_PHOTO_LABEL, image(StylePrompts.queryImage()),
                "text:Image of source [1]:", image(StylePrompts.productImage("sku-0002")),
                "text:Image of source [2]:", image(StylePrompts.productImage("sku-0001")));
        assertThat(prepared.warnings()).isEmpty();
    }

    @Test
    void theNumberOfItemImagesIsConfigurable() {
        Prompt prompt = StylePrompts.textAndPhoto();

        List<String> none = parts(user(new PromptMessages(0, LIMIT, CATALOGUE).prepare(prompt).request().messages()));
        List<String> three = parts(user(new PromptMessages(3, LIMIT, CATALOGUE).prepare(prompt).request().messages()));

        assertThat(none).filteredOn(p -> p.startsWith("image:")).containsExactly(image(StylePrompts.queryImage()));
        assertThat(three).filteredOn(p -> p.startsWith("image:")).hasSize(4).endsWith(
                image(StylePrompts.productImage("sku-0003")));
    }

    /**
     * What {@code maxItemImages}' javadoc says: the augmenter chooses the candidate images, and the generator attaches
     * at most its limit of the items' ones; the user's photo goes only when the prompt carries it.
     */
    @Test
    void theAugmenterChoosesTheImagesAndMaxItemImagesOnlyLimitsTheItemsOnes() {
        List<Retrieved> items = StylePrompts.retrieved("sku-0001", "sku-0002", "sku-0003", "sku-0004");
        Query photo = Query.builder().text("this?").image(ImageContent.of(StylePrompts.queryImage())).build();
        Query text = Query.ofText("a t-shirt");
        PromptMessages four = new PromptMessages(4, LIMIT, CATALOGUE);

        List<String> photoDefault = parts(user(four.prepare(DefaultAugmenter.create().augment(photo, items))
                .request().messages()));
        List<String> textDefault = parts(user(four.prepare(DefaultAugmenter.create().augment(text, items))
                .request().messages()));
        List<String> photoRaised = parts(user(four.prepare(DefaultAugmenter.builder().maxImages(5).build()
                .augment(photo, items)).request().messages()));
        List<String> photoNone = parts(user(four.prepare(DefaultAugmenter.builder().maxImages(0).build()
                .augment(photo, items)).request().messages()));

        assertThat(photoDefault).filteredOn(p -> p.startsWith("image:")).containsExactly(
                image(StylePrompts.queryImage()), image(StylePrompts.productImage("sku-0001")),
                image(StylePrompts.productImage("sku-0002")));
        assertThat(textDefault).filteredOn(p -> p.startsWith("image:")).hasSize(3);
        assertThat(photoRaised).filteredOn(p -> p.startsWith("image:")).hasSize(5)
                .endsWith(image(StylePrompts.productImage("sku-0004")));
        assertThat(photoNone).noneMatch(p -> p.startsWith("image:") || p.equals("text:" + PromptMessages.USER_PHOTO_LABEL));
    }

    @Test
    void aTextQueryGetsOnlyItemImagesAndABlankSystemTextNoSystemMessage() {
        Prompt augmented = StylePrompts.textOnly(StylePrompts.retrieved("sku-0005", "sku-0006"));
        Prompt prompt = new Prompt(augmented.query(), "", augmented.user(), augmented.images(), augmented.sources());

        List<ChatMessage> messages = new PromptMessages(2, LIMIT, CATALOGUE).prepare(prompt).request().messages();

        assertThat(messages).hasSize(1);
        assertThat(parts(user(messages))).containsExactly("text:" + prompt.user(),
                "text:Image of source [1]:", image(StylePrompts.productImage("sku-0005")),
                "text:Image of source [2]:", image(StylePrompts.productImage("sku-0006")));
    }

    @Test
    void aBrokenItemImageIsLeftOutWithAWarningAndTheNextOneTakesItsPlace(@TempDir Path dir) throws IOException {
        Path notAnImage = Files.writeString(dir.resolve("sku-x.jpg"), "this is not a JPEG");
        List<Retrieved> items = new ArrayList<>();
        items.add(withImage("sku-missing", dir.resolve("missing.jpg").toString()));
        items.add(withImage("sku-text", notAnImage.toString()));
        items.addAll(StylePrompts.retrieved("sku-0007"));
        Prompt prompt = DefaultAugmenter.builder().maxImages(5).build().augment(Query.ofText("a hat"), items);

        PromptMessages.Prepared prepared = new PromptMessages(2, LIMIT,
                new TrustedImageSources(List.of(TestData.styleCatalog(), dir), List.of())).prepare(prompt);

        assertThat(parts(user(prepared.request().messages()))).filteredOn(p -> p.startsWith("image:"))
                .containsExactly(image(StylePrompts.productImage("sku-0007")));
        assertThat(prepared.warnings()).hasSize(2);
        assertThat(prepared.warnings().get(0)).contains("image of source [1]", "missing.jpg", "does not exist");
        assertThat(prepared.warnings().get(1)).contains("image of source [2]", "not a JPEG, PNG, GIF or WebP");
    }

    /** An item's image reference is stored metadata: it may name any file, whose contents must not leak. */
    @Test
    void anItemFileThatIsNotAnImageIsNamedInTheWarningButNotQuoted(@TempDir Path dir) throws IOException {
        Path secrets = Files.writeString(dir.resolve("secrets.env"), "API_KEY=sk-live-1234\n");
        List<Retrieved> items = List.of(withImage("sku-planted", secrets.toString()));
        Prompt prompt = DefaultAugmenter.create().augment(Query.ofText("a hat"), items);

        PromptMessages.Prepared prepared = new PromptMessages(2, LIMIT, TrustedImageSources.ofFolders(dir))
                .prepare(prompt);

        assertThat(parts(user(prepared.request().messages()))).noneMatch(p -> p.startsWith("image:"));
        assertThat(prepared.warnings()).singleElement().asString()
                .contains("image of source [1] (item sku-planted) not attached", "not a JPEG, PNG, GIF or WebP")
                .doesNotContain("API_KEY", "sk-live", "41 50 49");
    }

    @Test
    void anUnreadableQueryImageIsTheCallersError(@TempDir Path dir) throws IOException {
        Path bmp = Files.write(dir.resolve("photo.bmp"), new byte[] {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0});
        Prompt prompt = DefaultAugmenter.create().augment(Query.ofImage(bmp), StylePrompts.retrieved("sku-0001"));

        assertThatThrownBy(() -> new PromptMessages(2, LIMIT, CATALOGUE).prepare(prompt))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the query image")
                .hasMessageContaining("photo.bmp")
                .hasMessageContaining("not a JPEG, PNG, GIF or WebP")
                .hasMessageContaining("(its first bytes are binary data)").hasMessageNotContaining("42 4d");
    }

    @Test
    void anOversizedImageIsRefusedBeforeItIsRead() {
        Prompt prompt = StylePrompts.textAndPhoto();
        long querySize = StylePrompts.bytes(StylePrompts.queryImage()).length;

        assertThatThrownBy(() -> new PromptMessages(2, querySize - 1, CATALOGUE).prepare(prompt))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is " + querySize + " bytes")
                .hasMessageContaining("limit for images sent to a language model is " + (querySize - 1));
    }

    @Test
    void pngGifAndWebpAreRecognisedByTheirBytes() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0};
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a'};
        byte[] webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'};

        byte[] jpeg = StylePrompts.bytes(StylePrompts.queryImage());

        assertThat(sentAs(png)).isEqualTo("image:image/png:" + png.length);
        assertThat(sentAs(gif)).isEqualTo("image:image/gif:" + gif.length);
        assertThat(sentAs(webp)).isEqualTo("image:image/webp:" + webp.length);
        assertThat(sentAs(jpeg)).isEqualTo("image:image/jpeg:" + jpeg.length);
        assertThatThrownBy(() -> sentAs(new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a JPEG, PNG, GIF or WebP");
    }

    /** @return the image part of the request for a query image of these bytes, declared as a BMP */
    private static String sentAs(byte[] bytes) {
        Query query = Query.builder().text("this?").image(ImageContent.of(bytes, "image/bmp")).build();
        Prompt prompt = DefaultAugmenter.create().augment(query, List.of());
        List<String> parts = parts(user(new PromptMessages(2, LIMIT, CATALOGUE).prepare(prompt).request().messages()));
        return parts.stream().filter(p -> p.startsWith("image:")).findFirst().orElseThrow();
    }

    @Test
    void anInMemoryQueryImageIsSentWithTheTypeItsBytesShow() {
        byte[] jpeg = StylePrompts.bytes(StylePrompts.queryImage());
        Query query = Query.builder().text("this?").image(ImageContent.of(jpeg, "image/png")).build();
        Prompt prompt = DefaultAugmenter.create().augment(query, List.of());

        List<String> parts = parts(user(new PromptMessages(2, LIMIT, CATALOGUE).prepare(prompt).request().messages()));

        assertThat(parts).contains("image:image/jpeg:" + jpeg.length);
    }

    /**
     * An index names the item images, and an index is data, not authority: an image outside the trusted folders, a
     * link from inside one to a file outside, a {@code file:} URL or an internal URL is not read and not sent.
     */
    @Test
    void itemImagesOutsideTheTrustedSourcesAreNeitherReadNorSent(@TempDir Path dir) throws IOException {
        Path trusted = Files.createDirectories(dir.resolve("catalogue"));
        Path outside = Files.copy(StylePrompts.productImage("sku-0001"), dir.resolve("secret.jpg"));
        Path inside = Files.copy(StylePrompts.productImage("sku-0002"), trusted.resolve("sku-0002.jpg"));
        Path link = Files.createSymbolicLink(trusted.resolve("evil.jpg"), outside);
        Path linkedFolder = Files.createSymbolicLink(trusted.resolve("images"), dir);
        try (FakeLlmServer internal = new FakeLlmServer()) {
            List<Retrieved> items = List.of(withImage("sku-outside", outside.toString()),
                    withImage("sku-link", link.toString()),
                    withImage("sku-folder-link", linkedFolder.resolve("secret.jpg").toString()),
                    withImage("sku-dotdot", trusted.resolve("../secret.jpg").toString()),
                    withImage("sku-file-url", outside.toUri().toString()),
                    withImage("sku-internal", internal.url() + "/internal/admin.jpg"),
                    withImage("sku-inside", inside.toString()));
            Prompt prompt = DefaultAugmenter.builder().maxImages(10).build().augment(Query.ofText("a shirt"), items);

            PromptMessages.Prepared prepared = new PromptMessages(10, LIMIT, TrustedImageSources.ofFolders(trusted))
                    .prepare(prompt);

            assertThat(parts(user(prepared.request().messages()))).filteredOn(p -> p.startsWith("image:"))
                    .containsExactly(image(inside));
            assertThat(prepared.warnings()).hasSize(6);
            assertThat(prepared.warnings().subList(0, 4)).allSatisfy(w -> assertThat(w)
                    .contains("not inside a trusted image folder"));
            assertThat(prepared.warnings().get(4)).contains("sku-file-url", "only http and https URLs are fetched");
            assertThat(prepared.warnings().get(5)).contains("sku-internal", "does not start with a trusted image URL prefix");
            assertThat(internal.requests()).as("the internal URL was never fetched").isEmpty();
        }
    }

    private static Retrieved withImage(String id, String imageRef) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", id);
        metadata.put(Item.IMAGE_REF_KEY, imageRef);
        return new Retrieved(id, 0.5, metadata);
    }
}
