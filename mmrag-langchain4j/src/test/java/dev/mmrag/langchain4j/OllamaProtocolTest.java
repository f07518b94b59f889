package dev.mmrag.langchain4j;

import static dev.mmrag.langchain4j.WireProtocol.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Ollama back end against a fake server that speaks Ollama's chat protocol ({@code POST /api/chat}, a JSON
 * answer, or newline-delimited JSON when streaming; images as a base64 array on the message). No language model
 * runs here; see {@link ChatProtocolContract} for what is tested. These tests also show that
 * {@code langchain4j-ollama} 1.18.1 works on {@code langchain4j-core} 1.19.0.
 */
class OllamaProtocolTest extends ChatProtocolContract {

    static final WireProtocol OLLAMA = new WireProtocol() {
        @Override
        public LlmProvider provider() {
            return LlmProvider.OLLAMA;
        }

        @Override
        public String baseUrl(FakeLlmServer server) {
            return server.url();
        }

        @Override
        public boolean isChatPath(String path, boolean streaming) {
            return path.equals("/api/chat");
        }

        @Override
        public FakeLlmServer.Reply answer(String text) {
            return FakeLlmServer.json(200, toJson(line(text, true)));
        }

        @Override
        public FakeLlmServer.Reply stream(List<String> pieces) {
            return FakeLlmServer.stream("application/x-ndjson", lines(pieces, true));
        }

        @Override
        public FakeLlmServer.Reply streamThenHang(List<String> pieces) {
            return FakeLlmServer.streamThenHang("application/x-ndjson", lines(pieces, false));
        }

        private List<String> lines(List<String> pieces, boolean end) {
            List<String> lines = new ArrayList<>();
            for (String piece : pieces) {
                lines.add(toJson(line(piece, false)) + "\n");
            }
            if (end) {
                lines.add(toJson(line("", true)) + "\n");
            }
            return lines;
        }

        private Map<String, Object> line(String content, boolean done) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("model", ChatProtocolContract.MODEL);
            line.put("created_at", "2026-01-01T10:00:00.000000Z");
            line.put("message", Map.of("role", "assistant", "content", content));
            line.put("done", done);
            if (done) {
                line.put("done_reason", "stop");
                line.put("prompt_eval_count", 10);
                line.put("eval_count", 5);
            }
            return line;
        }

        @Override
        public FakeLlmServer.Reply error(int status, String message, String... headers) {
            return FakeLlmServer.json(status, toJson(Map.of("error", message)), headers);
        }

        @Override
        public String systemText(JsonNode request) {
            return message(request, "system").get("content").asText();
        }

        @Override
        public String userText(JsonNode request) {
            return message(request, "user").get("content").asText();
        }

        @Override
        public List<SentImage> images(JsonNode request) {
            List<SentImage> images = new ArrayList<>();
            JsonNode sent = message(request, "user").get("images");
            if (sent != null) {
                for (JsonNode image : sent) {
                    images.add(new SentImage(null, image.asText()));
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
        return OLLAMA;
    }

    @Test
    void streamingRequestAsksForAStreamAndNonStreamingOneDoesNot() {
        server.enqueue(OLLAMA.stream(List.of("ok")), OLLAMA.answer("ok"));
        LangChain4jGenerator generator = provider().build();

        generator.stream(StylePrompts.textAndPhoto(), piece -> { });
        JsonNode streamed = json(server.lastRequest().body());
        generator.generate(StylePrompts.textAndPhoto());
        JsonNode whole = json(server.lastRequest().body());

        assertThat(streamed.get("stream").asBoolean()).isTrue();
        assertThat(whole.get("stream").asBoolean()).isFalse();
        assertThat(whole.get("model").asText()).isEqualTo(MODEL);
    }

    @Test
    void noKeyIsSentToOllama() {
        server.enqueue(OLLAMA.answer("ok"));

        provider().build().generate(StylePrompts.textAndPhoto());

        assertThat(server.lastRequest().headers()).doesNotContainKey("authorization");
        assertThat(server.lastRequest().body()).doesNotContain(KEY);
    }
}
