package dev.mmrag.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures every log record, at every level, from mmrag (java.lang.System.Logger, which goes to java.util.logging
 * here) and from LangChain4j (SLF4J, routed to java.util.logging by slf4j-jdk14 on the test class path), as the
 * text a log file would show: the formatted message and the printed exception.
 *
 * <p>Thread-safety: safe for concurrent logging.
 */
final class LogCapture implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    private final Level oldLevel = root.getLevel();
    private final List<String> lines = new ArrayList<>();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            synchronized (lines) {
                lines.add(formatter.format(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    LogCapture() {
        handler.setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    /** @return everything logged so far, formatted with exceptions */
    String text() {
        synchronized (lines) {
            return String.join("", lines);
        }
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        root.setLevel(oldLevel);
    }
}
