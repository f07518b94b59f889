package dev.mmrag.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mmrag.api.Generator;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.core.TemplateGenerator;
import dev.mmrag.examples.Assets;
import dev.mmrag.examples.Catalog;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.store.inmem.HnswVectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real parts the web tests serve: the bundled mini-clip model on ONNX Runtime, an HNSW index of the bundled
 * 320-product catalogue plus one hostile product (its name, brand and link are markup and a {@code javascript:}
 * URL, its photo that of {@link #HOSTILE_TWIN}), and the labelled query photo the tests upload.
 *
 * <p>Thread-safety: built once per test class; the parts are safe for concurrent use.
 */
final class WebFixture implements AutoCloseable {

    static final String HOSTILE_ID = "sku-hostile";
    static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>";
    static final String HOSTILE_BRAND = "<script>alert(2)</script>";
    static final String HOSTILE_URL = "javascript:alert(3)";
    /** The product whose photo the hostile product shares, so a search with that photo finds both. */
    static final String HOSTILE_TWIN = "sku-0200";

    private static final ObjectMapper JSON = new ObjectMapper();

    final ClipOnnxEncoder encoder;
    final HnswVectorStore store;
    final Catalog catalog;
    final List<String> log = new CopyOnWriteArrayList<>();

    WebFixture() {
        Catalog bundled = Catalog.load(Assets.styleCatalog());
        List<Item> items = new ArrayList<>(bundled.items());
        Item twin = items.stream().filter(i -> i.id().equals(HOSTILE_TWIN)).findFirst().orElseThrow();
        Map<String, Object> hostile = new LinkedHashMap<>();
        hostile.put("name", HOSTILE_NAME);
        hostile.put("brand", HOSTILE_BRAND);
        hostile.put("price", 9.99);
        hostile.put("currency", "EUR");
        hostile.put("url", HOSTILE_URL);
        items.add(new Item(HOSTILE_ID, twin.contents(), hostile));
        catalog = new Catalog(bundled.folder(), items);
        encoder = ClipOnnxEncoder.builder(Assets.miniClip()).build();
        store = HnswVectorStore.builder(encoder.dimension(), Metric.COSINE).initialCapacity(items.size()).build();
        rag(TemplateGenerator.create()).index(items);
    }

    /**
     * @param generator the generator
     * @return a pipeline over the fixture's index with that generator
     */
    MultimodalRag rag(Generator generator) {
        return MultimodalRag.builder().encoder(encoder).store(store).generator(generator).build();
    }

    /**
     * @param generator the generator
     * @param options the options (use port 0)
     * @return a running server whose log lines are collected in {@link #log}
     */
    StyleFinderServer serve(Generator generator, ServerOptions options) {
        return StyleFinderServer.start(rag(generator), catalog, options, log::add);
    }

    /** @return options on a free loopback port */
    static ServerOptions.Builder options() {
        return ServerOptions.builder().port(0);
    }

    /** @return a labelled query of the bundled set: {@code image} (relative path) and {@code expected} id */
    static JsonNode labelledPhoto() throws IOException {
        return JSON.readTree(Files.readAllLines(Assets.styleQueries().resolve("image-queries.jsonl")).get(7));
    }

    /**
     * @param query a labelled query
     * @return its photo file
     */
    static Path photo(JsonNode query) {
        return Assets.styleQueries().resolve(query.get("image").asText());
    }

    /**
     * @param id a product id
     * @return its catalogue line's name
     */
    String name(String id) {
        return catalog.items().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow()
                .metadata().get("name").toString();
    }

    /**
     * @param id a product id
     * @return its photo file
     */
    Path imageOf(String id) {
        Item item = catalog.items().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
        return ((ImageContent) item.contents().get(0)).path().orElseThrow();
    }

    @Override
    public void close() {
        store.close();
        encoder.close();
    }
}
