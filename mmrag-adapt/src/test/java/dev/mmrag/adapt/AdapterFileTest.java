package dev.mmrag.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Modality;
import dev.mmrag.api.StoreException;
import java.util.List;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter file: round trip, atomic replacement, and every kind of bad file refused with its name. */
class AdapterFileTest {

    private static final int D = 8;

    @TempDir
    Path folder;

    static LinearAdapter adapter(int rank, float alpha, long seed) {
        ResidualMap map = new ResidualMap(D, rank);
        SplittableRandom random = new SplittableRandom(seed);
        Map<Modality, float[]> maps = new EnumMap<>(Modality.class);
        for (Modality m : List.of(Modality.TEXT, Modality.IMAGE)) {
            float[] p = new float[map.parameterCount()];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (random.nextGaussian() * 0.1);
            }
            maps.put(m, p);
        }
        return new LinearAdapter(SyntheticData.fingerprint(D), D, rank, alpha, maps);
    }

    @Test
    void anAdapterReadBackMapsVectorsExactlyAsTheOneWritten() {
        for (int rank : new int[] {0, 3}) {
            LinearAdapter written = adapter(rank, 0.75f, rank);
            Path file = folder.resolve("rank" + rank + ".bin");
            AdapterFile.write(file, written);
            LinearAdapter read = AdapterFile.read(file);
            assertThat(read.rank()).isEqualTo(rank);
            assertThat(read.alpha()).isEqualTo(0.75f);
            assertThat(read.base()).isEqualTo(written.base());
            assertThat(read.fingerprint()).isEqualTo(written.fingerprint());
            float[] x = SyntheticData.gaussian(new SplittableRandom(1), D, 1);
            for (Modality m : List.of(Modality.TEXT, Modality.IMAGE)) {
                assertThat(read.apply(m, x)).containsExactly(written.apply(m, x));
            }
        }
    }

    @Test
    void writingReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = folder.resolve("adapter.bin");
        AdapterFile.write(file, adapter(0, 1f, 1));
        LinearAdapter second = adapter(0, 1f, 2);
        AdapterFile.write(file, second);
        assertThat(AdapterFile.read(file).fingerprint()).isEqualTo(second.fingerprint());
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).containsExactly(file);
        }
        assertThatThrownBy(() -> AdapterFile.write(folder.resolve("missing/adapter.bin"), second))
                .isInstanceOf(StoreException.class).hasMessageContaining("missing");
    }

    @Test
    void aCorruptedByteAnywhereIsRefusedNamingTheFile() throws IOException {
        Path file = folder.resolve("adapter.bin");
        AdapterFile.write(file, adapter(2, 1f, 3));
        byte[] good = Files.readAllBytes(file);
        for (int position = 12; position < good.length; position += 7) { // after magic and version
            byte[] bad = good.clone();
            bad[position] ^= 0x10;
            Files.write(file, bad);
            assertThatThrownBy(() -> AdapterFile.read(file)).as("byte %d flipped", position)
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(file.toString())
                    .hasMessageContaining("corrupt");
        }
    }

    @Test
    void truncatedForeignAndFutureFilesAreRefusedNamingTheFile() throws IOException {
        Path file = folder.resolve("adapter.bin");
        AdapterFile.write(file, adapter(0, 1f, 4));
        byte[] good = Files.readAllBytes(file);

        Files.write(file, java.util.Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> AdapterFile.read(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString());

        Path jpeg = folder.resolve("photo.jpg");
        Files.write(jpeg, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F'});
        assertThatThrownBy(() -> AdapterFile.read(jpeg)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(jpeg.toString()).hasMessageContaining("not an mmrag adapter file");

        byte[] future = good.clone();
        ByteBuffer.wrap(future).putInt(8, 2);
        Files.write(file, future);
        assertThatThrownBy(() -> AdapterFile.read(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("version 2");

        assertThatThrownBy(() -> AdapterFile.read(folder.resolve("none.bin"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("none.bin").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> AdapterFile.read(folder)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(folder.toString()).hasMessageContaining("not a regular file");
    }

    @Test
    void aWellFormedFileWithAbsurdSizesIsRefusedBeforeAllocating() throws IOException {
        // a file whose checksum is right but which declares a map far larger than the file
        LinearAdapter adapter = adapter(0, 1f, 5);
        byte[] bytes = AdapterFile.encode(adapter);
        ByteBuffer.wrap(bytes).putInt(12, 60000); // dimension
        byte[] resealed = reseal(bytes);
        Path file = folder.resolve("huge.bin");
        Files.write(file, resealed);
        assertThatThrownBy(() -> AdapterFile.read(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("truncated");
    }

    private static byte[] reseal(byte[] bytes) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, bytes.length - 32);
            System.arraycopy(digest.digest(), 0, bytes, bytes.length - 32, 32);
            return bytes;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
