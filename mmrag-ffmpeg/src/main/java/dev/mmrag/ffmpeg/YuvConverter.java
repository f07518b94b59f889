package dev.mmrag.ffmpeg;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Turns decoded frames into packed BGR images with FFmpeg's swscale (bilinear, as JavaCV converts), only for the
 * frames that become keyframes, so that the others are never converted. It can also keep a reference to one
 * decoded frame (FFmpeg's frames are reference-counted: keeping one copies no pixels) so that the last frame of a
 * short shot can be converted after the decoder has moved on.
 *
 * <p>Thread-safety: not thread-safe; one converter serves one decoding.
 */
final class YuvConverter implements AutoCloseable {

    private final AVFrame kept = avutil.av_frame_alloc();
    private SwsContext context;
    private BytePointer buffer;
    private long bufferBytes;

    /**
     * @param frame a decoded frame
     * @return it as a new TYPE_3BYTE_BGR image
     */
    BufferedImage toImage(AVFrame frame) {
        int w = frame.width();
        int h = frame.height();
        context = swscale.sws_getCachedContext(context, w, h, frame.format(), w, h, avutil.AV_PIX_FMT_BGR24,
                swscale.SWS_BILINEAR, null, null, (DoublePointer) null);
        if (context == null) {
            throw new IllegalStateException("swscale cannot convert pixel format " + frame.format() + " to BGR");
        }
        // swscale writes whole SIMD blocks: rows are padded to 64 bytes and the buffer has slack after the last
        int stride = (w * 3 + 63) / 64 * 64;
        long bytes = (long) stride * h + 4096;
        if (buffer == null || bufferBytes < bytes) {
            if (buffer != null) {
                avutil.av_free(buffer);
            }
            buffer = new BytePointer(avutil.av_malloc(bytes)).capacity(bytes);
            bufferBytes = bytes;
        }
        try (PointerPointer<BytePointer> dst = new PointerPointer<>(buffer, null, null, null);
                IntPointer dstStride = new IntPointer(stride, 0, 0, 0)) {
            swscale.sws_scale(context, frame.data(), frame.linesize(), 0, h, dst, dstStride);
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int row = 0; row < h; row++) {
            buffer.position((long) row * stride).get(pixels, row * w * 3, w * 3);
        }
        buffer.position(0);
        return image;
    }

    /** @param frame a decoded frame to keep a reference to, in place of the one kept before */
    void keep(AVFrame frame) {
        avutil.av_frame_unref(kept);
        if (avutil.av_frame_ref(kept, frame) < 0) {
            throw new IllegalStateException("FFmpeg could not reference a decoded frame");
        }
    }

    /** @return the kept frame as an image */
    BufferedImage keptImage() {
        return toImage(kept);
    }

    @Override
    public void close() {
        avutil.av_frame_unref(kept);
        avutil.av_frame_free(kept);
        if (context != null) {
            swscale.sws_freeContext(context);
            context = null;
        }
        if (buffer != null) {
            avutil.av_free(buffer);
            buffer = null;
        }
    }
}
