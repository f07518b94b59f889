package dev.mmrag.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory LangChain4j models for tests of the generator's own logic (retries, fallbacks, streaming without a
 * streaming model...): each call takes the next scripted step. No HTTP and no language model are involved; the
 * wire protocols are tested with {@link FakeLlmServer}.
 */
final class ScriptedModels {

    private ScriptedModels() {
    }

    /** One scripted outcome of a call. */
    @FunctionalInterface
    interface Step {
        ChatResponse run(ChatRequest request);
    }

    static Step answer(String text) {
        return request -> ChatResponse.builder().aiMessage(AiMessage.from(text)).finishReason(FinishReason.STOP).build();
    }

    static Step fail(RuntimeException error) {
        return request -> {
            throw error;
        };
    }

    /** A chat model that plays its steps in order. */
    static final class Chat implements ChatModel {
        private final Deque<Step> steps;
        final AtomicInteger calls = new AtomicInteger();

        Chat(Step... steps) {
            this.steps = new ArrayDeque<>(List.of(steps));
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            calls.incrementAndGet();
            Step step;
            synchronized (steps) {
                step = steps.isEmpty() ? fail(new IllegalStateException("no step scripted")) : steps.removeFirst();
            }
            return step.run(request);
        }
    }

    /**
     * A streaming model that sends the given pieces, then the complete response, from another thread, or on the
     * calling thread before {@code chat} returns (as a client may do with a response it already has).
     */
    static final class Streaming implements StreamingChatModel {
        private final List<String> pieces;
        private final boolean onCallingThread;
        final AtomicInteger calls = new AtomicInteger();

        Streaming(List<String> pieces) {
            this(pieces, false);
        }

        Streaming(List<String> pieces, boolean onCallingThread) {
            this.pieces = List.copyOf(pieces);
            this.onCallingThread = onCallingThread;
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            calls.incrementAndGet();
            Thread thread = new Thread(() -> {
                for (String piece : pieces) {
                    handler.onPartialResponse(piece);
                }
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(String.join("", pieces)))
                        .finishReason(FinishReason.STOP).build());
            }, "scripted-stream");
            if (onCallingThread) {
                thread.run();
            } else {
                thread.start();
            }
        }
    }
}
