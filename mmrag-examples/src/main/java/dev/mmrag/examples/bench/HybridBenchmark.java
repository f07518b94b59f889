package dev.mmrag.examples.bench;

import dev.mmrag.api.BatchResult;
import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.KeywordDocument;
import dev.mmrag.api.KeywordFields;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.Metric;
import dev.mmrag.api.Modality;
import dev.mmrag.api.Query;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.UnsupportedModalityException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.core.DefaultRetriever;
import dev.mmrag.lucene.LuceneKeywordIndex;
import dev.mmrag.store.inmem.HnswVectorStore;
import dev.mmrag.test.TestVectors;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Query latency of hybrid retrieval against vector-only retrieval, in one run on the same generated catalogue:
 * {@code n} products with a name (colour, pattern, type), one of 200 brands, a description of eight words from a
 * 5,000-word vocabulary and an id {@code sku-NNNNNN}, each with a clustered vector; an {@link HnswVectorStore}
 * (defaults) and a {@link LuceneKeywordIndex} of name, brand, description and id.
 *
 * <p>Three ways to answer the same text queries (a third brand + type, a third product codes in assorted
 * spellings, a third description words), one thread, top {@code k}:
 * <ul>
 *   <li>vector: {@link DefaultRetriever} with the query turned to hybrid off (one HNSW search of {@code k});</li>
 *   <li>hybrid: the same retriever, hybrid on (HNSW and BM25 searches of {@code k × 4} each, reciprocal rank
 *       fusion);</li>
 *   <li>keyword: {@link LuceneKeywordIndex#search} alone, {@code k × 4} hits.</li>
 * </ul>
 * The query's vector is looked up, not encoded (the encoder is a table of precomputed vectors), so the figures
 * are the retrieval stage's alone: CLIP's text encoding, the same for both, would only shrink the ratio. Each way
 * is warmed up with two passes, then timed in {@value #ROUNDS} rounds that alternate between the ways; the best
 * round counts (the machine is shared). The last line is
 * {@code RESULT vector_qps=.. hybrid_qps=.. keyword_qps=.. hybrid_over_vector=..}, the last being hybrid's
 * time per query over vector's.
 *
 * <p>Options (defaults in brackets): {@code --n} [100000], {@code --dim} [512], {@code --queries} [1000],
 * {@code --k} [10], {@code --seed} [42].
 * <pre>
 * mvn -B -q -pl mmrag-examples -am package -DskipTests
 * java -Xmx4g --add-modules jdk.incubator.vector \
 *   -cp "mmrag-examples/target/classes:$(cat mmrag-examples/target/classpath.txt)" \
 *   dev.mmrag.examples.bench.HybridBenchmark --n 100000
 * </pre>
 *
 * <p>Thread-safety: a program, single-threaded.
 */
public final class HybridBenchmark {

    private static final int ROUNDS = 3;
    private static final String[] COLORS = {"red", "orange", "yellow", "green", "blue", "purple", "pink", "black",
        "white", "brown", "grey", "navy"};
    private static final String[] PATTERNS = {"plain", "striped", "polka-dot", "checked", "floral", "paisley"};
    private static final String[] TYPES = {"t-shirt", "sweater", "dress", "trousers", "skirt", "hat", "shoe", "bag",
        "coat", "scarf", "belt", "sock"};

    private HybridBenchmark() {
    }

    /**
     * @param args the options (see the class description)
     */
    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        int n = Integer.parseInt(options.getOrDefault("n", "100000"));
        int dim = Integer.parseInt(options.getOrDefault("dim", "512"));
        int queryCount = Integer.parseInt(options.getOrDefault("queries", "1000"));
        int k = Integer.parseInt(options.getOrDefault("k", "10"));
        long seed = Long.parseLong(options.getOrDefault("seed", "42"));
        System.out.printf(Locale.ROOT, "HybridBenchmark: n=%d dim=%d queries=%d k=%d seed=%d, 1 thread, %s%n", n, dim,
                queryCount, k, seed, Runtime.version());

        Random random = new Random(seed);
        String[] brands = new String[200];
        for (int i = 0; i < brands.length; i++) {
            brands[i] = word(random) + " " + word(random);
        }
        String[] vocabulary = new String[5000];
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = word(random);
        }
        List<float[]> vectors = TestVectors.clustered(n + queryCount, dim, Math.max(10, n / 1000), 0.5, seed);

        HnswVectorStore store = HnswVectorStore.builder(dim, Metric.COSINE).initialCapacity(n).build();
        LuceneKeywordIndex keywords = LuceneKeywordIndex.create();
        KeywordFields fields = KeywordFields.of("name", "brand", "description", KeywordFields.ID);
        List<String[]> products = new ArrayList<>(n);
        long start = System.nanoTime();
        List<VectorRecord> records = new ArrayList<>();
        List<KeywordDocument> documents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format(Locale.ROOT, "sku-%06d", i);
            String name = COLORS[random.nextInt(COLORS.length)] + " " + PATTERNS[random.nextInt(PATTERNS.length)] + " "
                    + TYPES[random.nextInt(TYPES.length)];
            String brand = brands[random.nextInt(brands.length)];
            StringBuilder description = new StringBuilder();
            for (int w = 0; w < 8; w++) {
                description.append(w == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
            }
            products.add(new String[] {id, name, brand, description.toString()});
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("name", name);
            metadata.put("brand", brand);
            metadata.put("description", description.toString());
            records.add(new VectorRecord(id, vectors.get(i), metadata));
            Map<String, String> text = new LinkedHashMap<>();
            text.put("name", name);
            text.put("brand", brand);
            text.put("description", description.toString());
            text.put(KeywordFields.ID, id);
            documents.add(new KeywordDocument(id, text, metadata));
            if (records.size() == 1000 || i == n - 1) {
                check(store.upsert(records));
                check(keywords.upsert(documents));
                records.clear();
                documents.clear();
            }
        }
        System.out.printf(Locale.ROOT, "built the HNSW store and the keyword index of %d products in %.1f s%n", n,
                (System.nanoTime() - start) / 1e9);

        List<String> texts = new ArrayList<>(queryCount);
        Map<String, float[]> table = new HashMap<>();
        for (int q = 0; q < queryCount; q++) {
            String[] product = products.get(random.nextInt(n));
            String text;
            switch (q % 3) {
                case 0:
                    text = product[2] + " " + product[1].substring(product[1].lastIndexOf(' ') + 1);
                    break;
                case 1:
                    String digits = product[0].substring(4);
                    text = List.of("SKU " + digits, "sku" + digits, product[0], "SKU-" + digits).get(q % 4);
                    break;
                default:
                    String[] words = product[3].split(" ");
                    text = words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)];
                    break;
            }
            texts.add(text);
            table.putIfAbsent(text, vectors.get(n + q));
        }
        Encoder lookup = new TableEncoder(dim, table);
        DefaultRetriever retriever = DefaultRetriever.builder(lookup, store).keywordIndex(keywords, fields).build();
        List<Query> vectorQueries = new ArrayList<>();
        List<Query> hybridQueries = new ArrayList<>();
        List<KeywordSearchRequest> keywordRequests = new ArrayList<>();
        for (String text : texts) {
            vectorQueries.add(Query.builder().text(text).topK(k).hybrid(false).build());
            hybridQueries.add(Query.builder().text(text).topK(k).hybrid(true).build());
            keywordRequests.add(new KeywordSearchRequest(text, k * DefaultRetriever.DEFAULT_CANDIDATE_MULTIPLIER, null,
                    fields.boosts()));
        }
        Runnable vectorPass = () -> vectorQueries.forEach(retriever::retrieve);
        Runnable hybridPass = () -> hybridQueries.forEach(retriever::retrieve);
        Runnable keywordPass = () -> keywordRequests.forEach(keywords::search);
        for (int warm = 0; warm < 2; warm++) {
            vectorPass.run();
            hybridPass.run();
            keywordPass.run();
        }
        double vector = 0;
        double hybrid = 0;
        double keyword = 0;
        System.out.printf(Locale.ROOT, "%-6s %12s %12s %12s%n", "round", "vector q/s", "hybrid q/s", "keyword q/s");
        for (int round = 1; round <= ROUNDS; round++) {
            double v = queryCount / seconds(vectorPass);
            double h = queryCount / seconds(hybridPass);
            double w = queryCount / seconds(keywordPass);
            System.out.printf(Locale.ROOT, "%-6d %12.1f %12.1f %12.1f%n", round, v, h, w);
            vector = Math.max(vector, v);
            hybrid = Math.max(hybrid, h);
            keyword = Math.max(keyword, w);
        }
        System.out.printf(Locale.ROOT, "%-6s %12.1f %12.1f %12.1f   (best round of each)%n", "best", vector, hybrid,
                keyword);
        System.out.printf(Locale.ROOT, "RESULT vector_qps=%.1f hybrid_qps=%.1f keyword_qps=%.1f hybrid_over_vector=%.2f%n",
                vector, hybrid, keyword, vector / hybrid);
        store.close();
        keywords.close();
    }

    private static double seconds(Runnable pass) {
        long start = System.nanoTime();
        pass.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void check(BatchResult result) {
        if (result.hasFailures()) {
            throw new IllegalStateException("generated data was refused: " + result.failures().get(0));
        }
    }

    /** A pronounceable pseudo-word of 4 to 9 letters. */
    private static String word(Random random) {
        String consonants = "bcdfghjklmnprstvwz";
        String vowels = "aeiou";
        int length = 4 + random.nextInt(6);
        StringBuilder word = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            String from = i % 2 == 0 ? consonants : vowels;
            word.append(from.charAt(random.nextInt(from.length())));
        }
        return word.toString();
    }

    /** Looks query texts up in a table of precomputed vectors; the benchmark times retrieval, not encoding. */
    private static final class TableEncoder implements Encoder {
        private final int dimension;
        private final Map<String, float[]> table;

        TableEncoder(int dimension, Map<String, float[]> table) {
            this.dimension = dimension;
            this.table = table;
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public Set<Modality> modalities() {
            return EnumSet.of(Modality.TEXT);
        }

        @Override
        public List<float[]> encode(List<? extends Content> contents) {
            List<float[]> out = new ArrayList<>(contents.size());
            for (Content content : contents) {
                if (!(content instanceof TextContent)) {
                    throw new UnsupportedModalityException("the benchmark's table encoder takes text only");
                }
                out.add(table.get(((TextContent) content).text()));
            }
            return out;
        }
    }
}
