package dev.mmrag.test;

import dev.mmrag.api.Content;
import dev.mmrag.api.Encoder;
import dev.mmrag.api.Modality;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Holds the test stand-in for CLIP to the same {@link EncoderContract} as the real encoders. */
class KeywordTestEncoderTest extends EncoderContract {

    @Override
    protected Set<Modality> supportedModalities() {
        return EnumSet.of(Modality.TEXT, Modality.IMAGE);
    }

    @Override
    protected Encoder newEncoder(Set<Modality> modalities) {
        return new KeywordTestEncoder(128, modalities);
    }

    @Override
    protected List<Content> sampleContents() {
        return List.of(Content.text("a red striped t-shirt"), Content.text("a blue polka-dot dress"),
                KeywordTestEncoder.image("red hat"), KeywordTestEncoder.image("green checked scarf"));
    }
}
