package dev.mmrag.langchain4j;

import static dev.mmrag.langchain4j.WireProtocol.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mmrag.api.Answer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI back end against a fake server that speaks OpenAI's chat-completions protocol ({@code POST
 * /v1/chat/completions}, JSON answers, server-sent events when streaming). No language model runs here; see
 * {@link ChatProtocolContract} for what is tested.
 */
class OpenAiProtocolTest extends KeyedChatProtocolContract {

    static final WireProtocol OPENAI = new WireProtocol() {
        @Override
        public LlmProvider provider() {
            return LlmProvider.OPENAI;
        }

        @Override
        public String baseUrl(FakeLlmServer server) {
            return server.url() + "/v1";
        }

        @Override
        public boolean isChatPath(String path, boolean streaming) {
            return path.equals("/v1/chat/completions");
        }

        @Override
        public FakeLlmServer.Reply answer(String text) {
            return FakeLlmServer.json(200, toJson(Map.of("id", "chatcmpl-1", "object", "chat.completion", "created", 1,
                    "model", ChatProtocolContract.MODEL,
                    "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                            "message", Map.of("role", "assistant", "content", text))),
                    "usage", Map.of("prompt_tokens", 10, "completion_tokens", 5, "total_tokens", 15))));
        }

        @Override
        public FakeLlmServer.Reply stream(List<String> pieces) {
            return FakeLlmServer.stream("text/event-stream", events(pieces, true));
        }

        @Override
        public FakeLlmServer.Reply streamThenHang(List<String> pieces) {
            return FakeLlmServer.streamThenHang("text/event-stream", events(pieces, false));
        }

        private List<String> events(List<String> pieces, boolean end) {
            List<String> events = new ArrayList<>();
            for (String piece : pieces) {
                events.add("data: " + toJson(Map.of("id", "chatcmpl-1", "object", "chat.completion.chunk", "created", 1,
                        "model", ChatProtocolContract.MODEL,
                        "choices", List.of(Map.of("index", 0, "delta", Map.of("content", piece))))) + "\n\n");
            }
            if (end) {
                events.add("data: " + toJson(Map.of("id", "chatcmpl-1", "object", "chat.completion.chunk", "created", 1,
                        "model", ChatProtocolContract.MODEL,
                        "choices", List.of(Map.of("index", 0, "delta", Map.of(), "finish_reason", "stop")))) + "\n\n");
                events.add("data: [DONE]\n\n");
            }
            return events;
        }

        @Override
        public FakeLlmServer.Reply error(int status, String message, String... headers) {
            return FakeLlmServer.json(status, toJson(Map.of("error", Map.of("message", message, "type", "test_error"))),
                    headers);
        }

        @Override
        public String systemText(JsonNode request) {
            return message(request, "system").get("content").asText();
        }

        @Override
        public String userText(JsonNode request) {
            List<String> texts = new ArrayList<>();
            for (JsonNode part : message(request, "user").get("content")) {
                if (part.get("type").asText().equals("text")) {
                    texts.add(part.get("text").asText());
                }
            }
            return String.join("\n", texts);
        }

        @Override
        public List<SentImage> images(JsonNode request) {
            List<SentImage> images = new ArrayList<>();
            for (JsonNode part : message(request, "user").get("content")) {
                if (part.get("type").asText().equals("image_url")) {
                    String url = part.get("image_url").get("url").asText();
                    assertThat(url).as("an image is sent as a base64 data URL").startsWith("data:image/");
                    int comma = url.indexOf(',');
                    assertThat(url.substring(0, comma)).endsWith(";base64");
                    images.add(new SentImage(url.substring("data:".length(), url.indexOf(';')), url.substring(comma + 1)));
                }
            }
            return images;
        }

        private JsonNode message(JsonNode request, String role) {
            for (JsonNode message : request.get("messages")) {
                if (message.get("role").asText().equals(role)) {
                    return message;
                }
            }
            throw new AssertionError("no " + role + " message in " + request);
        }
    };

    @Override
    WireProtocol protocol() {
        return OPENAI;
    }

    @Override
    String keyIn(FakeLlmServer.Recorded request) {
        String authorization = request.header("Authorization");
        assertThat(authorization).startsWith("Bearer ");
        return authorization.substring("Bearer ".length());
    }

    @Test
    void concurrentStreamedCallsEachGetTheirOwnCompleteAnswer() throws Exception {
        int calls = 8;
        for (int i = 0; i < calls; i++) {
            server.enqueue(OPENAI.stream(List.of("Answer ", "number ", i + ".")));
        }
        LangChain4jGenerator generator = provider().build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String[]>> results = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                results.add(pool.submit(() -> {
                    StringBuilder received = new StringBuilder();
                    Answer answer = generator.stream(StylePrompts.textAndPhoto(), received::append);
                    return new String[] {answer.text(), received.toString()};
                }));
            }
            Set<String> answers = new HashSet<>();
            for (Future<String[]> result : results) {
                String[] texts = result.get(30, TimeUnit.SECONDS);
                assertThat(texts[1]).isEqualTo(texts[0]);
                answers.add(texts[0]);
            }
            assertThat(answers).hasSize(calls).allSatisfy(text -> assertThat(text).matches("Answer number \\d\\."));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void streamingRequestAsksForAStream() {
        server.enqueue(OPENAI.stream(List.of("ok")));

        provider().build().stream(StylePrompts.textAndPhoto(), piece -> { });

        assertThat(json(server.lastRequest().body()).get("stream").asBoolean()).isTrue();
        assertThat(json(server.lastRequest().body()).get("model").asText()).isEqualTo(MODEL);
    }
}
