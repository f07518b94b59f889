package dev.mmrag.ffmpeg;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * Collects FFmpeg's error messages (corrupt packets, concealed macroblocks) for the videos being decoded, so
 * that they become warnings instead of text on standard error. FFmpeg has one process-wide log callback and
 * its decoder threads log without saying which video they decode, so every message goes to every video being
 * decoded at that moment: when several videos decode at once, a video may be warned about a sibling's corrupt
 * packets. Each session keeps at most {@value #MAX_MESSAGES} messages.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class FfmpegLog {

    /** The most messages one session keeps. */
    static final int MAX_MESSAGES = 20;

    private static final Set<Session> ACTIVE = ConcurrentHashMap.newKeySet();
    private static volatile Callback callback;

    private FfmpegLog() {
    }

    /** A video's share of FFmpeg's error messages, from {@link #open()} to {@link #close()}. */
    static final class Session implements AutoCloseable {
        private final List<String> messages = new CopyOnWriteArrayList<>();
        private volatile int count;

        void add(String message) {
            count++;
            if (messages.size() < MAX_MESSAGES) {
                messages.add(message);
            }
        }

        /** @return how many error messages arrived */
        int count() {
            return count;
        }

        /** @return the first messages, at most {@value FfmpegLog#MAX_MESSAGES} */
        List<String> messages() {
            return List.copyOf(messages);
        }

        @Override
        public void close() {
            ACTIVE.remove(this);
        }
    }

    /** FFmpeg's log callback: errors and worse go to the active sessions; everything else is dropped. */
    private static final class Callback extends LogCallback {
        @Override
        public void call(int level, BytePointer message) {
            if (level > avutil.AV_LOG_ERROR) {
                return;
            }
            String text = message == null ? "" : message.getString().strip();
            if (text.isEmpty()) {
                return;
            }
            for (Session session : ACTIVE) {
                session.add(text);
            }
        }
    }

    /** @return a new session that receives FFmpeg's error messages until it is closed */
    static Session open() {
        install();
        Session session = new Session();
        ACTIVE.add(session);
        return session;
    }

    private static synchronized void install() {
        if (callback == null) {
            Callback c = new Callback();
            c.retainReference();
            avutil.av_log_set_level(avutil.AV_LOG_ERROR);
            avutil.setLogCallback(c);
            callback = c;
        }
    }
}
