package dev.mmrag.adapt;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.EncodingListener;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An {@link Encoder} that runs a base encoder and then a {@link LinearAdapter} on every vector, by the content's
 * modality: same {@link #dimension()}, same {@link #modalities()}, unit vectors out. Use it wherever an encoder
 * goes (a {@code MultimodalRag}, {@code EncoderEmbeddingModel}), for indexing and for queries alike: an index built
 * through one adapter must be searched through the same one.
 *
 * <pre>{@code
 * LinearAdapter adapter = AdapterFile.read(Path.of("adapter.bin"));
 * Encoder encoder = AdaptedEncoder.of(clip, adapter);   // checks that clip is the adapter's base model
 * }</pre>
 *
 * <p>The base encoder may normalise its vectors or not: the result is the same (see {@link LinearAdapter}).
 * {@link #close()} closes the base encoder.
 *
 * <p>Thread-safety: as safe for concurrent use as the base encoder (the adapter is immutable).
 */
public final class AdaptedEncoder implements Encoder {

    private final Encoder base;
    private final LinearAdapter adapter;

    private AdaptedEncoder(Encoder base, LinearAdapter adapter) {
        this.base = base;
        this.adapter = adapter;
    }

    /**
     * Wraps an encoder, after checking (by {@link BaseModelFingerprint#check}) that it is the adapter's base model.
     *
     * @param base the encoder the adapter was trained on
     * @param adapter the adapter
     * @return the adapted encoder
     * @throws InvalidInputException when the encoder is not the adapter's base model (dimension or probe vectors)
     */
    public static AdaptedEncoder of(Encoder base, LinearAdapter adapter) {
        if (base == null || adapter == null) {
            throw new InvalidInputException("an adapted encoder needs a base encoder and an adapter, got " + base
                    + " and " + adapter);
        }
        adapter.base().check(base, "adapter " + adapter.fingerprint().substring(0, 12));
        return new AdaptedEncoder(base, adapter);
    }

    /** @return the base encoder */
    public Encoder base() {
        return base;
    }

    /** @return the adapter */
    public LinearAdapter adapter() {
        return adapter;
    }

    @Override
    public int dimension() {
        return base.dimension();
    }

    @Override
    public Set<Modality> modalities() {
        return base.modalities();
    }

    @Override
    public List<float[]> encode(List<? extends Content> contents) {
        return adapt(contents, base.encode(contents));
    }

    @Override
    public List<float[]> encode(List<? extends Content> contents, EncodingListener listener) {
        return adapt(contents, base.encode(contents, listener));
    }

    private List<float[]> adapt(List<? extends Content> contents, List<float[]> vectors) {
        List<float[]> adapted = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            adapted.add(adapter.apply(contents.get(i).modality(), vectors.get(i)));
        }
        return adapted;
    }

    /** Closes the base encoder. */
    @Override
    public void close() {
        base.close();
    }

    @Override
    public String toString() {
        return "AdaptedEncoder[" + base + ", " + adapter + "]";
    }
}
