package dev.mmrag.examples.web;

import dev.mmrag.api.InvalidInputException;
import java.time.Duration;

/**
 * How a {@link StyleFinderServer} listens and what it accepts. Build one with {@link #builder()}; every field has a
 * default.
 *
 * <p>Thread-safety: immutable.
 *
 * @param host the address to bind; default {@value #DEFAULT_HOST} (only this machine can connect)
 * @param port the TCP port, 0 for any free one; default {@value #DEFAULT_PORT}
 * @param maxUploadBytes the largest photo accepted, in bytes; default {@value #DEFAULT_MAX_UPLOAD_BYTES} (20 MiB)
 * @param maxPixels the largest width x height of a photo, checked from its header before it is decoded; default
 *     {@value #DEFAULT_MAX_PIXELS} (40 Mpx)
 * @param maxConcurrent how many searches run at once; default the number of processors
 * @param queueCapacity how many searches may wait for a free slot before the server answers 503; default
 *     {@value #DEFAULT_QUEUE_PER_SLOT} per slot
 * @param deadline how long one search may take, waiting included, before the server gives up on it (504); default
 *     30 s
 * @param maxTextChars the longest text query; default {@value #DEFAULT_MAX_TEXT_CHARS}
 * @param maxK the largest number of products one search may ask for; default {@value #DEFAULT_MAX_K}
 */
public record ServerOptions(String host, int port, long maxUploadBytes, long maxPixels, int maxConcurrent,
        int queueCapacity, Duration deadline, int maxTextChars, int maxK) {

    /** The default address: the loopback interface. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** The default upload limit: 20 MiB. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 20L * 1024 * 1024;
    /** The default pixel limit: 40 million pixels (a 7700 x 5200 photo). */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** Waiting searches allowed per running one, by default. */
    public static final int DEFAULT_QUEUE_PER_SLOT = 8;
    /** The default deadline of one search. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    /** The default limit on the text query. */
    public static final int DEFAULT_MAX_TEXT_CHARS = 1000;
    /** The default limit on {@code k}. */
    public static final int DEFAULT_MAX_K = 50;

    /** Validates. */
    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new InvalidInputException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("port is " + port + "; expected 0 to 65535");
        }
        if (maxUploadBytes < 1024 || maxUploadBytes > Integer.MAX_VALUE - 1024 * 1024) {
            throw new InvalidInputException("upload limit is " + maxUploadBytes + " bytes; expected 1 KiB to 2 GiB");
        }
        if (maxPixels < 1) {
            throw new InvalidInputException("pixel limit is " + maxPixels + "; expected at least 1");
        }
        if (maxConcurrent < 1) {
            throw new InvalidInputException("concurrent searches is " + maxConcurrent + "; expected at least 1");
        }
        if (queueCapacity < 0) {
            throw new InvalidInputException("queue capacity is " + queueCapacity + "; expected 0 or more");
        }
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new InvalidInputException("deadline is " + deadline + "; expected a positive duration");
        }
        if (maxTextChars < 1) {
            throw new InvalidInputException("text limit is " + maxTextChars + "; expected at least 1");
        }
        if (maxK < 1) {
            throw new InvalidInputException("k limit is " + maxK + "; expected at least 1");
        }
    }

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the defaults */
    public static ServerOptions defaults() {
        return builder().build();
    }

    /**
     * A builder of {@link ServerOptions}; see there for the defaults.
     *
     * <p>Thread-safety: not thread-safe.
     */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
        private long maxPixels = DEFAULT_MAX_PIXELS;
        private int maxConcurrent = Runtime.getRuntime().availableProcessors();
        private Integer queueCapacity;
        private Duration deadline = DEFAULT_DEADLINE;
        private int maxTextChars = DEFAULT_MAX_TEXT_CHARS;
        private int maxK = DEFAULT_MAX_K;

        private Builder() {
        }

        /**
         * @param host the address to bind
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * @param port the port, 0 for any free one
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * @param bytes the largest photo accepted
         * @return this builder
         */
        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        /**
         * @param pixels the largest width x height accepted
         * @return this builder
         */
        public Builder maxPixels(long pixels) {
            this.maxPixels = pixels;
            return this;
        }

        /**
         * @param searches how many searches run at once
         * @return this builder
         */
        public Builder maxConcurrent(int searches) {
            this.maxConcurrent = searches;
            return this;
        }

        /**
         * @param searches how many searches may wait; default {@value ServerOptions#DEFAULT_QUEUE_PER_SLOT} per slot
         * @return this builder
         */
        public Builder queueCapacity(int searches) {
            this.queueCapacity = searches;
            return this;
        }

        /**
         * @param deadline how long one search may take
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /**
         * @param chars the longest text query
         * @return this builder
         */
        public Builder maxTextChars(int chars) {
            this.maxTextChars = chars;
            return this;
        }

        /**
         * @param k the largest k
         * @return this builder
         */
        public Builder maxK(int k) {
            this.maxK = k;
            return this;
        }

        /** @return the options */
        public ServerOptions build() {
            int queue = queueCapacity != null ? queueCapacity : DEFAULT_QUEUE_PER_SLOT * Math.max(1, maxConcurrent);
            return new ServerOptions(host, port, maxUploadBytes, maxPixels, maxConcurrent, queue, deadline,
                    maxTextChars, maxK);
        }
    }
}
