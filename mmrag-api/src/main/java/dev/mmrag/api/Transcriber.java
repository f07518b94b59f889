package dev.mmrag.api;

/**
 * Turns speech into timestamped text: audio in (mono 16-bit PCM, see {@link TranscriptionRequest}), time-coded
 * {@link TranscriptSegment}s out. mmrag ships a back end for the OpenAI-compatible transcription protocol
 * ({@code OpenAiTranscriber} in mmrag-langchain4j: OpenAI, Groq, whisper.cpp's server, faster-whisper servers,
 * LocalAI, vLLM); an in-process recogniser (whisper.cpp through JNI, sherpa-onnx, a Whisper ONNX export) is one
 * class implementing this interface.
 *
 * <p>A piece longer than {@link #maxPieceMs()} is never passed: the caller (mmrag-ffmpeg's audio segmenter) cuts
 * long audio into pieces under it, preferably at silences, and puts the times back onto the whole recording.
 * Times in the answer are relative to the start of the piece, in time order, within the piece's duration (an
 * implementation clamps or drops what an engine says past the end, and says so in
 * {@link Transcription#warnings()}). Silence gives an empty transcription, not an error.
 *
 * <p>Thread-safety: implementations state theirs; the ones shipped with mmrag are safe for concurrent use.
 */
public interface Transcriber {

    /**
     * @param request the audio piece
     * @return what was said in it, with times relative to the piece's start
     * @throws GenerationException when the engine cannot be reached or keeps failing (the message never holds a key)
     * @throws InvalidInputException when the engine answers with something that is not a transcription, or the
     *     piece is longer than {@link #maxPieceMs()}
     */
    Transcription transcribe(TranscriptionRequest request);

    /**
     * @return the longest piece, in milliseconds, this transcriber takes in one call (an upload limit, a model's
     *     context); the default is {@link Long#MAX_VALUE}: no limit
     */
    default long maxPieceMs() {
        return Long.MAX_VALUE;
    }
}
