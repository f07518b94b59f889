package dev.mmrag.examples;

import dev.mmrag.adapt.EmbeddingCache;
import dev.mmrag.adapt.HeldOutQuery;
import dev.mmrag.adapt.ImageAugmenter;
import dev.mmrag.adapt.TrainingPair;
import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Item;
import dev.mmrag.api.Modality;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns what a shop has into base-encoder vectors for {@link dev.mmrag.adapt.ContrastiveTrainer}: the catalogue's
 * photos (the gallery), augmented views of them ({@link ImageAugmenter}), texts built from their metadata, and
 * labelled queries. Every vector goes through an {@link EmbeddingCache}, so each photo, view and text is encoded
 * once; the time spent making and encoding views is counted in {@link #encodingSeconds()}.
 *
 * <p>Metadata texts, for each product: its {@code name}, its {@code description}, and
 * "a photo of a COLOR PATTERN TYPE" from the {@code color}, {@code pattern} and {@code type} fields that it has
 * (a pattern of "plain" is left out).
 *
 * <p>Thread-safety: not thread-safe (one instance per training run).
 */
public final class AdaptationData {

    /** The group of labelled photo pairs. */
    public static final String LABELLED_IMAGE = "labelled-image";
    /** The group of labelled text pairs. */
    public static final String LABELLED_TEXT = "labelled-text";
    /** The group of augmented-view pairs. */
    public static final String VIEW = "view";
    /** The group of metadata-text pairs. */
    public static final String METADATA_TEXT = "metadata-text";

    private final Encoder encoder;
    private final Catalog catalog;
    private final EmbeddingCache cache;
    private final ImageAugmenter augmenter = new ImageAugmenter();
    private final Map<String, byte[]> photos = new LinkedHashMap<>();
    private Map<String, float[]> gallery;
    private double encodingSeconds;

    /**
     * @param encoder the base encoder (no adapter)
     * @param catalog the catalogue
     * @param cache where vectors are kept between runs
     */
    public AdaptationData(Encoder encoder, Catalog catalog, EmbeddingCache cache) {
        this.encoder = encoder;
        this.catalog = catalog;
        this.cache = cache;
    }

    /** @return seconds spent making and encoding what was not in the cache */
    public double encodingSeconds() {
        return encodingSeconds;
    }

    /** @return the catalogue's photo vectors by product id */
    public Map<String, float[]> gallery() {
        if (gallery == null) {
            List<String> keys = new ArrayList<>();
            List<Content> contents = new ArrayList<>();
            for (Item item : catalog.items()) {
                byte[] bytes = photo(item);
                keys.add(EmbeddingCache.key("image", bytes));
                contents.add(ImageContent.of(bytes, null));
            }
            List<float[]> vectors = encode(keys, contents);
            gallery = new LinkedHashMap<>();
            for (int i = 0; i < vectors.size(); i++) {
                gallery.put(catalog.items().get(i).id(), vectors.get(i));
            }
        }
        return gallery;
    }

    /**
     * @param perProduct views of each product
     * @param seed the seed of the views (view v of product p uses seed {@code seed * 1_000_003 + p * 1009 + v})
     * @return one pair per view, targeting its product
     */
    public List<TrainingPair> views(int perProduct, long seed) {
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        List<Integer> items = new ArrayList<>();
        for (int p = 0; p < catalog.items().size(); p++) {
            Item item = catalog.items().get(p);
            byte[] bytes = photo(item);
            for (int v = 0; v < perProduct; v++) {
                long viewSeed = seed * 1_000_003L + p * 1009L + v;
                ids.add(item.id());
                keys.add(EmbeddingCache.key("view-v1-" + viewSeed, bytes));
                seeds.add(viewSeed);
                items.add(p);
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (cache.get(keys.get(i)) == null) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            long start = System.nanoTime();
            List<Content> contents = renderViews(missing, items, seeds);
            List<float[]> vectors = encoder.encode(contents);
            for (int k = 0; k < missing.size(); k++) {
                cache.put(keys.get(missing.get(k)), vectors.get(k));
            }
            encodingSeconds += (System.nanoTime() - start) / 1e9;
        }
        List<TrainingPair> pairs = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            pairs.add(TrainingPair.of(VIEW, Modality.IMAGE, cache.get(keys.get(i)), ids.get(i)));
        }
        return pairs;
    }

    /** Makes the views on all cores; each view depends only on its seed, so the order of work does not matter. */
    private List<Content> renderViews(List<Integer> missing, List<Integer> items, List<Long> seeds) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "mmrag-augment");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Integer, ImageAugmenter.Photo> decoded = new LinkedHashMap<>();
            for (int i : missing) {
                int p = items.get(i);
                decoded.computeIfAbsent(p, q -> augmenter.decode(photo(catalog.items().get(q)),
                        catalog.items().get(q).id()));
            }
            List<Future<byte[]>> views = new ArrayList<>(missing.size());
            for (int i : missing) {
                ImageAugmenter.Photo photo = decoded.get(items.get(i));
                long viewSeed = seeds.get(i);
                views.add(pool.submit(() -> augmenter.view(photo, viewSeed)));
            }
            List<Content> contents = new ArrayList<>(views.size());
            for (Future<byte[]> view : views) {
                contents.add(ImageContent.of(view.get(), "image/jpeg"));
            }
            return contents;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidInputException("interrupted while making augmented views", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause
                    : new InvalidInputException("cannot make an augmented view: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return the metadata-text pairs of every product */
    public List<TrainingPair> metadataTexts() {
        List<String> targets = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Item item : catalog.items()) {
            for (String text : metadataTexts(item)) {
                targets.add(item.id());
                texts.add(text);
            }
        }
        List<float[]> vectors = encodeTexts(texts);
        List<TrainingPair> pairs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            pairs.add(new TrainingPair(METADATA_TEXT, Modality.TEXT, vectors.get(i), targets.get(i),
                    matching(texts.get(i), targets.get(i))));
        }
        return pairs;
    }

    /** Products whose own metadata texts include this text are not its negatives (two "Red Hat"s). */
    private Set<String> matching(String text, String target) {
        Set<String> ids = new LinkedHashSet<>();
        ids.add(target);
        for (Item item : catalog.items()) {
            if (metadataTexts(item).contains(text)) {
                ids.add(item.id());
            }
        }
        return ids;
    }

    /**
     * @param item a product
     * @return the texts made from its metadata (see the class description)
     */
    public static List<String> metadataTexts(Item item) {
        List<String> texts = new ArrayList<>();
        Object name = item.metadata().get("name");
        if (name instanceof String) {
            texts.add((String) name);
        }
        Object description = item.metadata().get("description");
        if (description instanceof String) {
            texts.add((String) description);
        }
        StringBuilder phrase = new StringBuilder();
        for (String field : List.of("color", "pattern", "type")) {
            Object value = item.metadata().get(field);
            if (value instanceof String && !((String) value).equalsIgnoreCase("plain")) {
                phrase.append(phrase.length() == 0 ? "" : " ").append(((String) value).toLowerCase(Locale.ROOT));
            }
        }
        if (phrase.length() > 0) {
            texts.add("a photo of a " + phrase);
        }
        return texts;
    }

    /**
     * @param queries labelled queries (a photo or a text each; a query with both is used as its photo)
     * @return one pair per query and relevant id
     */
    public List<TrainingPair> labelledPairs(List<LabelledQuery> queries) {
        List<TrainingPair> pairs = new ArrayList<>();
        List<float[]> vectors = encodeQueries(queries);
        for (int i = 0; i < queries.size(); i++) {
            LabelledQuery query = queries.get(i);
            boolean image = query.image() != null;
            for (String id : query.relevant()) {
                if (!gallery().containsKey(id)) {
                    throw new InvalidInputException("a labelled query names product '" + id
                            + "', which is not in the catalogue " + catalog.folder());
                }
                pairs.add(new TrainingPair(image ? LABELLED_IMAGE : LABELLED_TEXT, image ? Modality.IMAGE : Modality.TEXT,
                        vectors.get(i), id, query.relevant()));
            }
        }
        return pairs;
    }

    /**
     * @param queries labelled queries
     * @return them as held-out queries
     */
    public List<HeldOutQuery> heldOut(List<LabelledQuery> queries) {
        List<float[]> vectors = encodeQueries(queries);
        List<HeldOutQuery> heldOut = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            heldOut.add(new HeldOutQuery(queries.get(i).image() != null ? Modality.IMAGE : Modality.TEXT,
                    vectors.get(i), queries.get(i).relevant()));
        }
        return heldOut;
    }

    /**
     * @param pairs view pairs
     * @return them as held-out queries (each relevant to its own product)
     */
    public static List<HeldOutQuery> asHeldOut(List<TrainingPair> pairs) {
        List<HeldOutQuery> heldOut = new ArrayList<>();
        for (TrainingPair pair : pairs) {
            heldOut.add(new HeldOutQuery(pair.modality(), pair.vector(), pair.relevant()));
        }
        return heldOut;
    }

    private List<float[]> encodeQueries(List<LabelledQuery> queries) {
        List<String> keys = new ArrayList<>();
        List<Content> contents = new ArrayList<>();
        for (LabelledQuery query : queries) {
            if (query.image() != null) {
                ImageContent image = ImageContent.of(query.image());
                byte[] bytes = image.readAllBytes();
                keys.add(EmbeddingCache.key("image", bytes));
                contents.add(ImageContent.of(bytes, null));
            } else {
                byte[] bytes = query.text().getBytes(StandardCharsets.UTF_8);
                keys.add(EmbeddingCache.key("text", bytes));
                contents.add(Content.text(query.text()));
            }
        }
        return encode(keys, contents);
    }

    private List<float[]> encodeTexts(List<String> texts) {
        List<String> keys = new ArrayList<>();
        List<Content> contents = new ArrayList<>();
        for (String text : texts) {
            keys.add(EmbeddingCache.key("text", text.getBytes(StandardCharsets.UTF_8)));
            contents.add(Content.text(text));
        }
        return encode(keys, contents);
    }

    private List<float[]> encode(List<String> keys, List<Content> contents) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (cache.get(keys.get(i)) == null) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            long start = System.nanoTime();
            List<Content> batch = new ArrayList<>(missing.size());
            for (int i : missing) {
                batch.add(contents.get(i));
            }
            List<float[]> vectors = encoder.encode(batch);
            for (int k = 0; k < missing.size(); k++) {
                cache.put(keys.get(missing.get(k)), vectors.get(k));
            }
            encodingSeconds += (System.nanoTime() - start) / 1e9;
        }
        List<float[]> vectors = new ArrayList<>(keys.size());
        for (String key : keys) {
            vectors.add(cache.get(key));
        }
        return vectors;
    }

    private byte[] photo(Item item) {
        return photos.computeIfAbsent(item.id(), id -> {
            for (Content content : item.contents()) {
                if (content instanceof ImageContent) {
                    return ((ImageContent) content).readAllBytes();
                }
            }
            throw new InvalidInputException("product '" + id + "' has no photo to adapt to");
        });
    }
}
