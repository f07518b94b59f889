package dev.mmrag.langchain4j;

import java.io.ByteArrayOutputStream;

/**
 * Writes 16-bit mono PCM as a WAV file (RIFF, PCM format 1), the compact upload of {@link OpenAiTranscriber}.
 *
 * <p>Thread-safety: stateless.
 */
final class Wav {

    /** The size of the header written before the samples. */
    static final int HEADER_BYTES = 44;

    private Wav() {
    }

    static void write(ByteArrayOutputStream out, short[] samples, int sampleRate) {
        int dataBytes = samples.length * 2;
        byte[] header = new byte[HEADER_BYTES];
        ascii(header, 0, "RIFF");
        int32(header, 4, 36 + dataBytes);
        ascii(header, 8, "WAVE");
        ascii(header, 12, "fmt ");
        int32(header, 16, 16);
        int16(header, 20, 1);
        int16(header, 22, 1);
        int32(header, 24, sampleRate);
        int32(header, 28, sampleRate * 2);
        int16(header, 32, 2);
        int16(header, 34, 16);
        ascii(header, 36, "data");
        int32(header, 40, dataBytes);
        out.writeBytes(header);
        byte[] data = new byte[dataBytes];
        for (int i = 0; i < samples.length; i++) {
            data[2 * i] = (byte) samples[i];
            data[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        out.writeBytes(data);
    }

    private static void ascii(byte[] b, int at, String s) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) s.charAt(i);
        }
    }

    private static void int32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }

    private static void int16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
    }
}
