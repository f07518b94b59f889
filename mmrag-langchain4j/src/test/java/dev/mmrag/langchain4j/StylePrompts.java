package dev.mmrag.langchain4j;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.Item;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.core.DefaultAugmenter;
import dev.mmrag.test.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real prompts for the generator tests: products from the bundled style catalogue (their metadata and JPEG
 * photos) as retrieved items, a real query photo, and mmrag-core's {@link DefaultAugmenter} writing the prompt
 * exactly as the pipeline does.
 *
 * <p>Thread-safety: stateless.
 */
final class StylePrompts {

    static final ObjectMapper JSON = new ObjectMapper();

    private StylePrompts() {
    }

    /** @return the catalogue's photo of a product, such as "sku-0002" */
    static Path productImage(String id) {
        return TestData.styleCatalog().resolve("images/" + id + ".jpg");
    }

    /** @return the query photo q0001 (a red striped t-shirt) */
    static Path queryImage() {
        return TestData.styleQueries().resolve("images/q0001.jpg");
    }

    /**
     * @param ids catalogue ids, best first
     * @return those products as retrieved items, with the catalogue's metadata and their photo's path
     */
    static List<Retrieved> retrieved(String... ids) {
        List<Retrieved> items = new ArrayList<>();
        double score = 0.9;
        for (String id : ids) {
            Map<String, Object> product = product(id);
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (String key : List.of("name", "brand", "price", "currency", "url", "description")) {
                metadata.put(key, product.get(key));
            }
            metadata.put(Item.IMAGE_REF_KEY, productImage(id).toString());
            items.add(new Retrieved(id, score, metadata));
            score -= 0.1;
        }
        return items;
    }

    /**
     * @return a text-and-photo question about red striped t-shirts, with three retrieved products; the prompt
     *     carries all four images (the augmenter is told to attach up to 4), so the generator's own limit decides
     *     how many item images are sent
     */
    static Prompt textAndPhoto() {
        Query query = Query.builder().text("Which red striped t-shirt matches my photo?")
                .image(ImageContent.of(queryImage())).build();
        return DefaultAugmenter.builder().maxImages(4).build()
                .augment(query, retrieved("sku-0002", "sku-0001", "sku-0003"));
    }

    /**
     * @param retrieved the items
     * @return a text-only question over those items
     */
    static Prompt textOnly(List<Retrieved> retrieved) {
        return DefaultAugmenter.create().augment(Query.ofText("Which t-shirt should I buy?"), retrieved);
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> product(String id) {
        try {
            for (String line : Files.readAllLines(TestData.styleCatalog().resolve("catalog.jsonl"))) {
                Map<String, Object> product = JSON.readValue(line, new TypeReference<Map<String, Object>>() { });
                if (id.equals(product.get("id"))) {
                    return product;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no product " + id + " in the catalogue");
    }
}
