package dev.mmrag.ffmpeg;

import dev.mmrag.test.TranscriptionStandIn.Line;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes test speech with {@code espeak-ng} and converts it with the {@code ffmpeg} command-line tool (CI installs
 * both, see {@code .ci/run}); no test downloads anything.
 */
final class TestAudio {

    private TestAudio() {
    }

    static Path run(Path output, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("failed: " + List.of(command) + "\n" + log);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (install espeak-ng, ffmpeg): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Speech by espeak-ng: a 22,050 Hz mono 16-bit WAV. */
    static Path speak(Path output, String text) {
        return run(output, "espeak-ng", "-w", output.toString(), text);
    }

    /** The duration ffprobe reads from the container, in milliseconds. */
    static double probeMs(Path file) {
        try {
            Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                    "csv=p=0", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return Double.parseDouble(out) * 1000;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The samples of a 16-bit mono WAV written by espeak-ng (the data chunk). */
    static short[] wavSamples(Path wav) throws IOException {
        byte[] b = Files.readAllBytes(wav);
        int pos = 12;
        while (pos + 8 <= b.length) {
            String id = new String(b, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = ByteBuffer.wrap(b, pos + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (id.equals("data")) {
                int n = Math.min(size, b.length - pos - 8) / 2;
                short[] s = new short[n];
                ByteBuffer.wrap(b, pos + 8, n * 2).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
                return s;
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException("no data chunk in " + wav);
    }

    /**
     * Writes a long 22,050 Hz mono WAV of the given phrases (cycled, each copy with its own low dither so no two
     * copies have the same samples) separated by the given gaps (cycled), until {@code totalMs}; returns the script.
     */
    static List<Line> composeLong(Path output, List<short[]> phrases, List<String> texts, long[] gapsMs, long totalMs)
            throws IOException {
        int rate = 22_050;
        long totalSamples = totalMs * rate / 1000;
        List<Line> script = new ArrayList<>();
        Random random = new Random(42);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
            out.write(new byte[44]);
            long written = 0;
            int i = 0;
            written += silence(out, rate); // one second of silence first
            while (true) {
                short[] phrase = phrases.get(i % phrases.size());
                long gap = gapsMs[i % gapsMs.length] * rate / 1000;
                if (written + phrase.length + gap > totalSamples) {
                    break;
                }
                long startMs = written * 1000 / rate;
                byte[] bytes = new byte[phrase.length * 2];
                for (int k = 0; k < phrase.length; k++) {
                    int v = Math.max(-32768, Math.min(32767, phrase[k] + random.nextInt(7) - 3));
                    bytes[2 * k] = (byte) v;
                    bytes[2 * k + 1] = (byte) (v >> 8);
                }
                out.write(bytes);
                written += phrase.length;
                script.add(new Line(startMs, written * 1000 / rate, "utterance " + i + ": " + texts.get(i % texts.size())));
                written += zeros(out, gap);
                i++;
            }
            written += zeros(out, totalSamples - written);
        }
        try (RandomAccessFile f = new RandomAccessFile(output.toFile(), "rw")) {
            long data = f.length() - 44;
            ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
            h.put("RIFF".getBytes()).putInt((int) (36 + data)).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                    .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2)
                    .putShort((short) 16).put("data".getBytes()).putInt((int) data);
            f.seek(0);
            f.write(h.array());
        }
        return script;
    }

    private static long silence(OutputStream out, int rate) throws IOException {
        return zeros(out, rate);
    }

    private static long zeros(OutputStream out, long samples) throws IOException {
        byte[] z = new byte[8192];
        long left = samples * 2;
        while (left > 0) {
            int n = (int) Math.min(z.length, left);
            out.write(z, 0, n);
            left -= n;
        }
        return samples;
    }
}
