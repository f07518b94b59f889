package dev.mmrag.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.mmrag.api.Answer;
import dev.mmrag.api.GenerationException;
import dev.mmrag.api.MmragException;
import dev.mmrag.api.Prompt;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One call of a {@link LangChain4jGenerator}: the attempts, the waits between them, the link guard over the text,
 * and the fallback when everything fails. See {@link LangChain4jGenerator} for the rules it follows.
 *
 * <p>Thread-safety: not thread-safe; a call runs on the thread that called the generator, and the text consumer
 * is only called on that thread.
 */
final class GenerationCall {

    private static final System.Logger LOG = System.getLogger(LangChain4jGenerator.class.getName());
    private static final String FALLBACK_SEPARATOR = "\n\n";

    /** Runs blocking chat-model calls so that the caller can stop waiting at the attempt timeout. */
    private static final ExecutorService BLOCKING_CALLS = Executors.newCachedThreadPool(new DaemonThreads());

    private final LangChain4jGenerator generator;
    private final Prompt prompt;
    private final Output output;
    private final List<String> warnings = new ArrayList<>();
    private final long start;
    private ChatRequest request;

    GenerationCall(LangChain4jGenerator generator, Prompt prompt, Consumer<String> onText) {
        this.generator = generator;
        this.prompt = prompt;
        this.output = new Output(onText);
        this.start = generator.time.nanoTime();
    }

    /** @return the answer, or the fallback's; throws {@link GenerationException} without a fallback */
    Answer run() {
        PromptMessages.Prepared prepared = generator.messages.prepare(prompt);
        request = prepared.request();
        warnings.addAll(prepared.warnings());
        ProviderFailure failure;
        int attempts = 0;
        while (true) {
            if (!generator.circuitBreaker.tryAcquire(now())) {
                failure = ProviderFailure.circuitOpen(generator.name, generator.circuitBreaker);
                break;
            }
            attempts++;
            long mark = generator.retryAfter.mark();
            failure = attemptWithBreaker();
            if (failure == null) {
                output.finishAttempt();
                addRemovedLinkWarnings();
                return new Answer(output.text(), prompt.sources(), generator.name, false, warnings);
            }
            if (!failure.isTransient() || attempts >= generator.retryPolicy.maxAttempts() || output.shownToUser()) {
                break;
            }
            Duration wait = generator.retryPolicy.backoff(attempts, generator.jitter);
            if (failure.mayCarryRetryAfter()) {
                Duration asked = generator.retryAfter.since(mark).orElse(Duration.ZERO);
                if (asked.compareTo(generator.retryPolicy.maxRetryAfter()) > 0) {
                    failure = failure.withNote("the provider asked to retry after " + seconds(asked)
                            + ", longer than the " + seconds(generator.retryPolicy.maxRetryAfter()) + " the policy waits");
                    break;
                }
                wait = asked.compareTo(wait) > 0 ? asked : wait;
            }
            if (remaining().compareTo(wait) <= 0) {
                failure = failure.withNote("no time is left before the deadline of " + seconds(generator.deadline)
                        + " for another attempt");
                break;
            }
            logRetry(failure, attempts, wait);
            output.discardAttempt();
            sleep(wait);
        }
        return fail(attempts == 0 ? failure : failure.withNote(attempts + (attempts == 1 ? " attempt" : " attempts")));
    }

    /** Makes one attempt, reporting its outcome to the circuit breaker. */
    private ProviderFailure attemptWithBreaker() {
        ProviderFailure failure;
        try {
            failure = useStreaming() ? streamOnce() : chatOnce();
        } catch (RuntimeException | Error e) {
            generator.circuitBreaker.release();
            throw e;
        }
        if (failure != null && failure.saysProviderIsUnwell()) {
            generator.circuitBreaker.onProviderFailed(now());
        } else {
            generator.circuitBreaker.onProviderAnswered();
        }
        return failure;
    }

    private boolean useStreaming() {
        return generator.streamingModel != null && (output.streaming() || generator.chatModel == null);
    }

    /** One blocking call, waited for at most the attempt timeout (or what is left of the deadline). */
    private ProviderFailure chatOnce() {
        Duration wait = attemptWait();
        if (wait.isZero()) {
            return ProviderFailure.deadline(generator.name, generator.deadline);
        }
        Future<ChatResponse> future = BLOCKING_CALLS.submit(() -> generator.chatModel.chat(request));
        ChatResponse response;
        try {
            response = future.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return timedOut(wait);
        } catch (ExecutionException e) {
            return ProviderFailure.of(generator.name, e.getCause(), generator.secrets);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw interrupted();
        }
        String text = textOf(response);
        if (text == null || text.isBlank()) {
            return emptyAnswer(response);
        }
        return output.accept(text) ? null : tooLong();
    }

    /** One streaming call; its pieces are handed over to this thread through a queue. */
    private ProviderFailure streamOnce() {
        QueueingHandler handler = new QueueingHandler(generator.maxAnswerChars);
        try {
            generator.streamingModel.chat(request, handler);
        } catch (RuntimeException e) {
            handler.close();
            return ProviderFailure.of(generator.name, e, generator.secrets);
        }
        try {
            return receive(handler);
        } finally {
            handler.close();
        }
    }

    /** Takes what a streaming model reports until its answer is complete, fails, or a limit is hit. */
    private ProviderFailure receive(QueueingHandler handler) {
        boolean receivedText = false;
        while (true) {
            Duration wait = attemptWait();
            StreamEvent event;
            try {
                event = wait.isZero() ? null : handler.events.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                handler.cancel();
                throw interrupted();
            }
            if (event == null) {
                handler.cancel();
                return wait.isZero() ? ProviderFailure.deadline(generator.name, generator.deadline) : timedOut(wait);
            }
            if (event == StreamEvent.TOO_LONG) {
                handler.cancel();
                return tooLong();
            }
            if (event.text != null) {
                receivedText = true;
                if (!output.accept(event.text)) {
                    handler.cancel();
                    return tooLong();
                }
            } else if (event.error != null) {
                return ProviderFailure.of(generator.name, event.error, generator.secrets);
            } else {
                String text = textOf(event.response);
                if (!receivedText && (text == null || text.isBlank())) {
                    return emptyAnswer(event.response);
                }
                if (!receivedText && !output.accept(text)) {
                    return tooLong();
                }
                return null;
            }
        }
    }

    /** How long the next wait of an attempt may be: the attempt timeout or what is left of the deadline. */
    private Duration attemptWait() {
        Duration remaining = remaining();
        if (remaining.isNegative() || remaining.isZero()) {
            return Duration.ZERO;
        }
        return remaining.compareTo(generator.attemptTimeout) < 0 ? remaining : generator.attemptTimeout;
    }

    private ProviderFailure timedOut(Duration waited) {
        return waited.compareTo(generator.attemptTimeout) < 0 ? ProviderFailure.deadline(generator.name, generator.deadline)
                : ProviderFailure.timeout(generator.name, waited);
    }

    private ProviderFailure tooLong() {
        return ProviderFailure.invalidResponse(generator.name, "sent an answer longer than the limit of "
                + generator.maxAnswerChars + " characters; the rest was not read");
    }

    private ProviderFailure emptyAnswer(ChatResponse response) {
        return ProviderFailure.invalidResponse(generator.name, "returned an empty answer (finish reason "
                + (response == null ? null : response.finishReason()) + ")");
    }

    private static String textOf(ChatResponse response) {
        AiMessage message = response == null ? null : response.aiMessage();
        return message == null ? null : message.text();
    }

    /** Ends a failed call: the fallback's answer, or an exception. */
    private Answer fail(ProviderFailure failure) {
        // DEBUG, not WARNING: the failure reaches the caller in the answer's warnings or the exception's message,
        // and a caller that prints those (as the Style Finder does) would otherwise show it twice.
        LOG.log(Level.DEBUG, () -> failure.message() + (generator.fallback != null ? "; answering with the fallback" : ""));
        if (failure.cause() != null) {
            LOG.log(Level.DEBUG, "cause of the failure of " + generator.name, failure.cause());
        }
        if (generator.fallback == null) {
            throw new GenerationException(failure.message(), failure.cause());
        }
        Answer fallbackAnswer;
        try {
            fallbackAnswer = generator.fallback.generate(prompt);
        } catch (MmragException e) {
            throw new GenerationException(failure.message() + "; the fallback failed too: " + e.getMessage(), e);
        }
        if (output.shownToUser()) {
            output.finishAttempt();
            output.appendWhole(FALLBACK_SEPARATOR + fallbackAnswer.text());
        } else {
            output.discardAttempt();
            output.appendWhole(fallbackAnswer.text());
        }
        warnings.add(failure.message() + "; this is the fallback answer of " + fallbackAnswer.generator());
        addRemovedLinkWarnings();
        warnings.addAll(fallbackAnswer.warnings());
        return new Answer(output.text(), fallbackAnswer.sources(), fallbackAnswer.generator(), true, warnings);
    }

    private void addRemovedLinkWarnings() {
        for (String host : output.removedHosts()) {
            warnings.add("removed a link to " + host + " from the answer: it is not in the metadata of the sources");
        }
    }

    private void logRetry(ProviderFailure failure, int attempt, Duration wait) {
        LOG.log(Level.DEBUG, () -> failure.message() + "; attempt " + attempt + " of "
                + generator.retryPolicy.maxAttempts() + ", retrying in " + seconds(wait));
    }

    private void sleep(Duration wait) {
        try {
            generator.time.sleep(wait);
        } catch (InterruptedException e) {
            throw interrupted();
        }
    }

    private GenerationException interrupted() {
        Thread.currentThread().interrupt();
        return new GenerationException(generator.name + " was interrupted while waiting for the model");
    }

    private long now() {
        return generator.time.nanoTime();
    }

    private Duration remaining() {
        return generator.deadline.minusNanos(now() - start);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }

    /**
     * The text of the answer as the caller gets it: every piece passes the link guard, then goes to the consumer
     * (when streaming) and into the final text.
     */
    private final class Output {
        private final Consumer<String> onText;
        private final StringBuilder text = new StringBuilder();
        private final List<String> removedHosts = new ArrayList<>();
        private LinkGuard guard = newGuard();
        private SecretRedactor redactor = newRedactor();
        /** The characters the model sent in this attempt. */
        private long received;

        Output(Consumer<String> onText) {
            this.onText = onText;
        }

        boolean streaming() {
            return onText != null;
        }

        /**
         * @param piece the next piece the model sent
         * @return false, taking nothing, when the attempt's text would pass the answer length limit
         */
        boolean accept(String piece) {
            received += piece.length();
            if (received > generator.maxAnswerChars) {
                return false;
            }
            deliver(guard.accept(redactor.accept(piece)));
            return true;
        }

        /** Delivers what the redactor and the guard still hold back; the attempt's text is complete. */
        void finishAttempt() {
            deliver(guard.accept(redactor.finish()));
            deliver(guard.finish());
            removedHosts.addAll(guard.removedHosts());
            guard = newGuard();
            redactor = newRedactor();
            received = 0;
        }

        /** Forgets a failed attempt's text; only allowed while nothing was shown to the user. */
        void discardAttempt() {
            text.setLength(0);
            guard = newGuard();
            redactor = newRedactor();
            received = 0;
        }

        /** Delivers a complete text (the fallback's, which the length limit does not apply to) through a fresh guard. */
        void appendWhole(String whole) {
            guard = newGuard();
            redactor = newRedactor();
            deliver(guard.accept(redactor.accept(whole)));
            finishAttempt();
        }

        boolean shownToUser() {
            return onText != null && text.length() > 0;
        }

        String text() {
            return text.toString();
        }

        List<String> removedHosts() {
            return removedHosts;
        }

        private LinkGuard newGuard() {
            return LinkGuard.forSources(prompt.sources(), generator.linkKeys);
        }

        private SecretRedactor newRedactor() {
            return new SecretRedactor(generator.secrets);
        }

        private void deliver(String piece) {
            if (!piece.isEmpty()) {
                text.append(piece);
                if (onText != null) {
                    onText.accept(piece);
                }
            }
        }
    }

    /** One thing a streaming model reported: a piece of text, the complete response, or an error. */
    private static final class StreamEvent {
        /** The model sent more text than the answer length limit. */
        static final StreamEvent TOO_LONG = new StreamEvent(null, null, null);

        final String text;
        final ChatResponse response;
        final Throwable error;

        private StreamEvent(String text, ChatResponse response, Throwable error) {
            this.text = text;
            this.response = response;
            this.error = error;
        }
    }

    /**
     * Queues what a streaming model reports (on LangChain4j's threads, or on the calling thread itself when the
     * client delivers a finished response at once) for the calling thread. It never blocks, and it holds at most
     * the answer length limit: once the model sent more text than that, the rest is dropped and one
     * {@link StreamEvent#TOO_LONG} event says so, so that an endless stream cannot fill the heap even while the
     * calling thread is busy. Once the call stopped listening ({@link #close()}), events are dropped.
     */
    private static final class QueueingHandler implements StreamingChatResponseHandler {
        final BlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
        private final long maxChars;
        private volatile StreamingHandle handle;
        private volatile boolean closed;
        private long received;
        private boolean tooLong;

        /** @param maxChars the most characters of text to queue */
        QueueingHandler(long maxChars) {
            this.maxChars = maxChars;
        }

        /** The call stopped listening: drop what is queued and what comes. */
        void close() {
            closed = true;
            events.clear();
        }

        @Override
        public synchronized void onPartialResponse(String partialResponse) {
            if (closed || tooLong || partialResponse == null || partialResponse.isEmpty()) {
                return;
            }
            received += partialResponse.length();
            if (received > maxChars) {
                tooLong = true;
                events.add(StreamEvent.TOO_LONG);
            } else {
                events.add(new StreamEvent(partialResponse, null, null));
            }
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            handle = context.streamingHandle();
            onPartialResponse(partialResponse.text());
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            if (!closed) {
                events.add(new StreamEvent(null, completeResponse, null));
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!closed) {
                events.add(new StreamEvent(null, null, error));
            }
        }

        /** Asks the model to stop streaming, when its client supports that; late events are ignored anyway. */
        void cancel() {
            StreamingHandle current = handle;
            if (current != null) {
                try {
                    current.cancel();
                } catch (UnsupportedOperationException e) {
                    LOG.log(Level.DEBUG, "the streaming client cannot cancel; its late events will be ignored");
                }
            }
        }
    }

    /** Daemon threads, so that a call still blocked in a hung connection never keeps the JVM alive. */
    private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "mmrag-llm-call-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
