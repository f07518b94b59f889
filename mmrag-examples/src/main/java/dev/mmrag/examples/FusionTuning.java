package dev.mmrag.examples;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.KeywordFields;
import dev.mmrag.api.KeywordIndex;
import dev.mmrag.api.KeywordSearchRequest;
import dev.mmrag.api.SearchHit;
import dev.mmrag.api.SearchRequest;
import dev.mmrag.api.TextContent;
import dev.mmrag.api.VectorStore;
import dev.mmrag.core.DefaultRetriever;
import dev.mmrag.core.HybridFusion;
import dev.mmrag.core.RetrievalMetrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code style-finder eval --tune-fusion}: searches the fusion settings on a labelled query file and prints the
 * best. Each query's keyword, text-vector and image-vector lists are fetched once (as many candidates as
 * {@link DefaultRetriever} fetches: {@code k × }{@value DefaultRetriever#DEFAULT_CANDIDATE_MULTIPLIER}), then
 * every setting of the grid fuses them:
 * <ul>
 *   <li>reciprocal rank fusion, rank constant in {@link #RANK_CONSTANTS}, keyword weight in
 *       {@link #KEYWORD_WEIGHTS}, text and image weight 1;</li>
 *   <li>weighted normalised scores, keyword weight {@code w} from 0.05 to 0.95 in steps of 0.05, text and image
 *       weight {@code 1 - w}.</li>
 * </ul>
 * A setting is ranked by the mean of recall@1 and recall@5, then by MRR. Tune on one file and report on another:
 * the best setting of a file is optimistic for that file.
 *
 * <p>Thread-safety: stateless.
 */
final class FusionTuning {

    /** The rank constants tried for reciprocal rank fusion. */
    static final int[] RANK_CONSTANTS = {1, 2, 5, 10, 20, 40, 60, 100};
    /** The keyword weights tried for reciprocal rank fusion (text and image weigh 1). */
    static final double[] KEYWORD_WEIGHTS = {0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8};

    /**
     * A fusion setting and how it did.
     *
     * @param fusion the setting
     * @param metrics its metrics on the queries
     */
    record Result(HybridFusion fusion, RetrievalMetrics metrics) {
        double objective() {
            return (metrics.recallAt(1) + metrics.recallAt(5)) / 2;
        }
    }

    private FusionTuning() {
    }

    /** @return the grid of settings */
    static List<HybridFusion> grid() {
        List<HybridFusion> grid = new ArrayList<>();
        for (int k : RANK_CONSTANTS) {
            for (double w : KEYWORD_WEIGHTS) {
                grid.add(HybridFusion.reciprocalRank(k, w, 1, 1));
            }
        }
        for (int i = 1; i <= 19; i++) {
            double w = i / 20.0;
            grid.add(HybridFusion.weighted(w, 1 - w, 1 - w));
        }
        return grid;
    }

    /**
     * Runs every setting of the grid, best first.
     *
     * @param encoder the encoder
     * @param store the vector store
     * @param keywords the keyword index
     * @param fields the keyword fields and boosts
     * @param queries the labelled queries
     * @param k how many results each query asks for
     * @return every setting with its metrics, best first
     */
    static List<Result> tune(Encoder encoder, VectorStore store, KeywordIndex keywords, KeywordFields fields,
            List<LabelledQuery> queries, int k) {
        int fetch = Math.min(SearchRequest.MAX_TOP_K, k * DefaultRetriever.DEFAULT_CANDIDATE_MULTIPLIER);
        List<Map<HybridFusion.Source, List<SearchHit>>> lists = new ArrayList<>(queries.size());
        for (LabelledQuery query : queries) {
            Map<HybridFusion.Source, List<SearchHit>> byList = new EnumMap<>(HybridFusion.Source.class);
            List<Content> parts = new ArrayList<>();
            if (query.text() != null) {
                parts.add(new TextContent(query.text()));
            }
            if (query.image() != null) {
                parts.add(ImageContent.of(query.image()));
            }
            List<float[]> vectors = encoder.encode(parts);
            int next = 0;
            if (query.text() != null) {
                byList.put(HybridFusion.Source.KEYWORD, keywords.search(
                        new KeywordSearchRequest(query.text(), fetch, null, fields.boosts())));
                byList.put(HybridFusion.Source.TEXT, store.search(SearchRequest.of(vectors.get(next++), fetch)));
            }
            if (query.image() != null) {
                byList.put(HybridFusion.Source.IMAGE, store.search(SearchRequest.of(vectors.get(next), fetch)));
            }
            lists.add(byList);
        }
        List<Result> results = new ArrayList<>();
        for (HybridFusion fusion : grid()) {
            List<RetrievalMetrics.Judged> judged = new ArrayList<>(queries.size());
            for (int i = 0; i < queries.size(); i++) {
                List<String> ranked = new ArrayList<>(k);
                for (SearchHit hit : fusion.fuse(lists.get(i))) {
                    if (ranked.size() == k) {
                        break;
                    }
                    ranked.add(hit.id());
                }
                judged.add(new RetrievalMetrics.Judged(ranked, queries.get(i).relevant()));
            }
            results.add(new Result(fusion, RetrievalMetrics.of(judged)));
        }
        results.sort(Comparator.comparingDouble(Result::objective).reversed()
                .thenComparing(Comparator.comparingDouble((Result r) -> r.metrics().mrr()).reversed()));
        return results;
    }

    /**
     * Prints the ten best settings, the Style Finder's default for comparison, and a last {@code RESULT} line
     * with the best.
     *
     * @param results the settings, best first
     * @param out where to print
     */
    static void print(List<Result> results, PrintStream out) {
        out.println("Fusion settings by (recall@1 + recall@5) / 2, then MRR; the ten best of " + results.size() + ":");
        out.printf(Locale.ROOT, "  %-44s %9s %9s %9s%n", "--fusion", "recall@1", "recall@5", "MRR");
        for (Result result : results.subList(0, Math.min(10, results.size()))) {
            row(result, out);
        }
        String defaultSpec = KeywordSide.spec(KeywordSide.DEFAULT_FUSION);
        for (Result result : results) {
            if (KeywordSide.spec(result.fusion()).equals(defaultSpec)) {
                out.println("The Style Finder's default:");
                row(result, out);
            }
        }
        Result best = results.get(0);
        out.printf(Locale.ROOT, "RESULT best_fusion=%s recall@1=%.4f recall@5=%.4f mrr=%.4f%n",
                KeywordSide.spec(best.fusion()), best.metrics().recallAt(1), best.metrics().recallAt(5),
                best.metrics().mrr());
    }

    private static void row(Result result, PrintStream out) {
        out.printf(Locale.ROOT, "  %-44s %9.4f %9.4f %9.4f%n", KeywordSide.spec(result.fusion()),
                result.metrics().recallAt(1), result.metrics().recallAt(5), result.metrics().mrr());
    }
}
