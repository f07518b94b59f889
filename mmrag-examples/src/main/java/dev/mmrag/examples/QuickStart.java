package dev.mmrag.examples;

import dev.mmrag.api.Answer;
import dev.mmrag.api.Item;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Query;
import dev.mmrag.core.MultimodalRag;
import dev.mmrag.onnx.ClipOnnxEncoder;
import dev.mmrag.store.inmem.HnswVectorStore;
import java.nio.file.Path;
import java.util.List;

/** The builder API in a few lines: index three product photos, then ask in words. The README shows this code. */
public final class QuickStart {

    /** @param args unused */
    public static void main(String[] args) {
        Path photos = Assets.styleCatalog().resolve("images");
        try (ClipOnnxEncoder clip = ClipOnnxEncoder.builder(Assets.miniClip()).build()) {
            MultimodalRag rag = MultimodalRag.builder()
                    .encoder(clip)
                    .store(HnswVectorStore.builder(clip.dimension(), Metric.COSINE).build())
                    .build();
            rag.index(List.of(
                    product("sku-0201", "Red Hat", 37.99, photos.resolve("sku-0201.jpg")),
                    product("sku-0217", "Blue Hat", 32.99, photos.resolve("sku-0217.jpg")),
                    product("sku-0241", "Red Shoe", 84.99, photos.resolve("sku-0241.jpg"))));
            Answer answer = rag.ask(Query.builder().text("a blue hat").topK(2).build());
            System.out.println(answer.text());
        }
    }

    private static Item product(String id, String name, double price, Path photo) {
        return Item.builder(id).image(photo).metadata("name", name).metadata("price", price)
                .metadata("url", "https://shop.example/products/" + id).build();
    }
}
