package dev.mmrag.test;

import dev.mmrag.api.Transcriber;
import dev.mmrag.api.TranscriptSegment;
import dev.mmrag.api.Transcription;
import dev.mmrag.api.TranscriptionRequest;
import dev.mmrag.test.TranscriptionStandIn.Line;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An in-process {@link Transcriber} for tests of modules that may not use the HTTP back end: it answers the way
 * {@link TranscriptionStandIn} does (<b>no speech model runs</b>): it finds where each piece lies in the source by
 * its samples and returns the script's lines that mostly fall inside it, relative to the piece. It records every
 * request.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class ScriptedTranscriber implements Transcriber {

    private final List<Line> script;
    private final short[] source;
    private final long maxPieceMs;
    private final List<TranscriptionRequest> requests = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param script what is said when in the source, absolute times
     * @param source16kMono the source at 16 kHz mono as the code under test decodes it, or null (pieces start at 0)
     * @param maxPieceMs the longest piece accepted ({@link #maxPieceMs()})
     */
    public ScriptedTranscriber(List<Line> script, short[] source16kMono, long maxPieceMs) {
        this.script = List.copyOf(script);
        this.source = source16kMono;
        this.maxPieceMs = maxPieceMs;
    }

    @Override
    public Transcription transcribe(TranscriptionRequest request) {
        if (request.durationMs() > maxPieceMs) {
            throw new AssertionError(request + " is longer than the " + maxPieceMs + " ms limit");
        }
        requests.add(request);
        short[] samples = request.samples();
        long offset = source == null ? 0 : TranscriptionStandIn.locate(source, samples, request.sampleRate());
        List<TranscriptSegment> out = new ArrayList<>();
        for (Line line : TranscriptionStandIn.heard(script, offset, samples.length * 1000.0 / request.sampleRate(),
                samples, request.sampleRate())) {
            out.add(new TranscriptSegment(line.startMs(), line.endMs(), line.text(), "en", 0.9));
        }
        return new Transcription(out, "en", List.of());
    }

    @Override
    public long maxPieceMs() {
        return maxPieceMs;
    }

    /** @return the requests received, in order */
    public List<TranscriptionRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }
}
