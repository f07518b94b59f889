package dev.mmrag.examples;

import dev.mmrag.api.Moment;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import dev.mmrag.core.MultimodalRag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Scores moments for labelled queries, as {@code style-finder eval --videos DIR --queries FILE} does: each query
 * retrieves every video with up to k moments; all returned moments are ranked by their own score, whatever video
 * they belong to; a moment is a hit when it names a labelled video and its keyframe's time lies inside a labelled
 * span widened by {@value #SLACK_MS} ms at each end. recall@k is the share of queries with a hit among the first k
 * moments; MRR averages 1 / the rank of the first hit (0 without one).
 *
 * <p>Thread-safety: immutable.
 *
 * @param queries how many queries ran
 * @param recallAt1 the share with a hit first
 * @param recallAt5 the share with a hit among the first 5 moments
 * @param recallAtK the share with a hit among the first k moments
 * @param k the k of {@code recallAtK}
 * @param mrr the mean reciprocal rank of the first hit
 */
public record MomentEvaluation(int queries, double recallAt1, double recallAt5, double recallAtK, int k, double mrr) {

    /** How far outside a labelled span a keyframe still counts as a hit: 1 s. */
    public static final long SLACK_MS = 1000;

    /**
     * @param rag the pipeline, with the videos indexed (items whose metadata {@code video} names their file)
     * @param queriesFile the labelled queries
     * @param videos how many videos are indexed (each query retrieves them all)
     * @param k how many moments count, at least 5 is usual
     * @return the figures
     */
    public static MomentEvaluation run(MultimodalRag rag, Path queriesFile, int videos, int k) {
        List<MomentQuery> queries = MomentQuery.load(queriesFile);
        int hits1 = 0;
        int hits5 = 0;
        int hitsK = 0;
        double reciprocal = 0;
        for (MomentQuery q : queries) {
            int rank = firstHit(rag, q, Math.max(1, videos), Math.max(5, k));
            hits1 += rank == 1 ? 1 : 0;
            hits5 += rank >= 1 && rank <= 5 ? 1 : 0;
            hitsK += rank >= 1 && rank <= k ? 1 : 0;
            reciprocal += rank >= 1 ? 1.0 / rank : 0;
        }
        int n = queries.size();
        return new MomentEvaluation(n, hits1 / (double) n, hits5 / (double) n, hitsK / (double) n, k, reciprocal / n);
    }

    /** The 1-based rank of the first hit among all returned moments, or 0 when none is a hit. */
    private static int firstHit(MultimodalRag rag, MomentQuery query, int videos, int k) {
        Query q = query.query(Math.min(videos, dev.mmrag.api.SearchRequest.MAX_TOP_K));
        record Ranked(String video, Moment moment) {
        }
        List<Ranked> ranked = new ArrayList<>();
        for (Retrieved item : rag.retrieve(q)) {
            String video = item.text("video").orElse(item.videoName().orElse(item.id()));
            for (Moment moment : item.moments()) {
                ranked.add(new Ranked(video, moment));
            }
        }
        ranked.sort(Comparator.comparingDouble((Ranked r) -> r.moment().score()).reversed());
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            Ranked r = ranked.get(i);
            long at = r.moment().keyframe() != null ? r.moment().keyframe().timeMs()
                    : (r.moment().span().startMs() + r.moment().span().endMs()) / 2;
            for (MomentQuery.Labelled label : query.moments()) {
                if (label.video().equals(r.video()) && at >= label.startMs() - SLACK_MS
                        && at <= label.endMs() + SLACK_MS) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    /** @return the last line {@code RESULT queries=N moment_recall@1=.. moment_recall@5=.. mrr=..} */
    public String resultLine() {
        return String.format(Locale.ROOT, "RESULT queries=%d moment_recall@1=%.4f moment_recall@5=%.4f mrr=%.4f",
                queries, recallAt1, recallAt5, mrr);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "queries             %d%nmoment recall@1     %.4f%nmoment recall@5     %.4f%n"
                + "moment recall@%-5d %.4f%nMRR                 %.4f", queries, recallAt1, recallAt5, k, recallAtK, mrr);
    }
}
