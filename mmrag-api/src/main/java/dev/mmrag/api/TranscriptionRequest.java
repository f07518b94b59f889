package dev.mmrag.api;

/**
 * A piece of audio to transcribe: mono 16-bit PCM samples at a sample rate (mmrag's decoders give
 * {@value #SAMPLE_RATE} Hz, what speech recognisers expect), and an optional language hint.
 *
 * <p>Thread-safety: immutable (the samples are copied in and out; {@link #sampleCount()} does not copy).
 *
 * @param samples the mono samples, signed 16-bit; copied; at most {@value #MAX_SAMPLES}
 * @param sampleRate samples per second, 8000 to 192000
 * @param language an ISO-639-1 language hint ({@code en}), or null to let the engine detect it
 * @param description what the audio is, for messages ({@code episode.mp3 at 0:12:30}); not blank
 */
public record TranscriptionRequest(short[] samples, int sampleRate, String language, String description) {

    /** The sample rate mmrag's decoders give and speech recognisers expect, in Hz. */
    public static final int SAMPLE_RATE = 16_000;

    /** The most samples one request may carry (four hours at 16 kHz). */
    public static final int MAX_SAMPLES = 4 * 3600 * SAMPLE_RATE;

    /** Validates and copies the fields. */
    public TranscriptionRequest {
        if (samples == null) {
            throw new InvalidInputException("transcription request has no samples (an empty array for none)");
        }
        if (samples.length > MAX_SAMPLES) {
            throw new InvalidInputException("transcription request has " + samples.length + " samples; at most "
                    + MAX_SAMPLES + " are allowed (cut long audio into pieces)");
        }
        if (sampleRate < 8000 || sampleRate > 192_000) {
            throw new InvalidInputException("transcription sample rate is " + sampleRate + " Hz; expected 8000 to 192000");
        }
        if (language != null && !language.matches("[A-Za-z]{2,3}")) {
            throw new InvalidInputException("transcription language hint '" + language
                    + "' is not an ISO-639 code such as 'en'");
        }
        if (description == null || description.isBlank()) {
            throw new InvalidInputException("transcription request needs a description for messages");
        }
        samples = samples.clone();
    }

    /**
     * @param samples mono 16-bit samples at {@value #SAMPLE_RATE} Hz
     * @param description what the audio is
     * @return a request without language hint
     */
    public static TranscriptionRequest of(short[] samples, String description) {
        return new TranscriptionRequest(samples, SAMPLE_RATE, null, description);
    }

    /** @return a copy of the samples */
    @Override
    public short[] samples() {
        return samples.clone();
    }

    /** @return how many samples there are, without copying them */
    public int sampleCount() {
        return samples.length;
    }

    /** @return how long the audio lasts, in milliseconds (rounded down) */
    public long durationMs() {
        return samples.length * 1000L / sampleRate;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TranscriptionRequest other && sampleRate == other.sampleRate
                && java.util.Arrays.equals(samples, other.samples) && java.util.Objects.equals(language, other.language)
                && description.equals(other.description);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(java.util.Arrays.hashCode(samples), sampleRate, language, description);
    }

    @Override
    public String toString() {
        return "TranscriptionRequest[" + description + ", " + durationMs() + " ms at " + sampleRate + " Hz"
                + (language == null ? "" : ", language " + language) + "]";
    }
}
