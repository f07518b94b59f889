package dev.mmrag.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.test.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Augmented views of a real catalogue photo: decodable, reproducible from their seed, varied across seeds. */
class ImageAugmenterTest {

    private final ImageAugmenter augmenter = new ImageAugmenter();

    @Test
    void viewsAreJpegsReproducibleFromTheirSeedAndDifferentAcrossSeeds() throws IOException {
        byte[] photo = Files.readAllBytes(TestData.styleCatalog().resolve("images/sku-0008.jpg"));
        ImageAugmenter.Photo decoded = augmenter.decode(photo, "sku-0008.jpg");
        Set<String> sizes = new HashSet<>();
        Set<Integer> distinct = new HashSet<>();
        for (long seed = 0; seed < 12; seed++) {
            byte[] view = augmenter.view(decoded, seed);
            assertThat(augmenter.view(decoded, seed)).as("seed %d again", seed).isEqualTo(view);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(view));
            assertThat(image).as("seed %d decodes", seed).isNotNull();
            sizes.add(image.getWidth() + "x" + image.getHeight());
            distinct.add(java.util.Arrays.hashCode(view));
        }
        assertThat(distinct).hasSize(12);
        assertThat(sizes).as("both scenes and crops were drawn").contains("400x300", "288x288");
    }

    @Test
    void aPhotoThatIsNotAnImageIsRefusedNamingIt() {
        assertThatThrownBy(() -> augmenter.decode("not a photo".getBytes(StandardCharsets.UTF_8), "notes.txt"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("notes.txt");
    }
}
