package dev.mmrag.langchain4j;

import static dev.mmrag.langchain4j.WireProtocol.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Gemini back end against a fake server that speaks the Gemini API ({@code POST
 * /v1beta/models/MODEL:generateContent}, or {@code :streamGenerateContent} with server-sent events; the key in
 * {@code x-goog-api-key}; images as {@code inlineData} parts). No language model runs here; see
 * {@link ChatProtocolContract} for what is tested.
 */
class GeminiProtocolTest extends KeyedChatProtocolContract {

    static final WireProtocol GEMINI = new WireProtocol() {
        @Override
        public LlmProvider provider() {
            return LlmProvider.GEMINI;
        }

        @Override
        public String baseUrl(FakeLlmServer server) {
            return server.url() + "/v1beta";
        }

        @Override
        public boolean isChatPath(String path, boolean streaming) {
            String model = "/v1beta/models/" + ChatProtocolContract.MODEL;
            return streaming ? path.startsWith(model + ":streamGenerateContent") : path.equals(model + ":generateContent");
        }

        @Override
        public FakeLlmServer.Reply answer(String text) {
            return FakeLlmServer.json(200, toJson(response(text, true)));
        }

        private Map<String, Object> response(String text, boolean last) {
            Map<String, Object> candidate = last
                    ? Map.of("content", Map.of("role", "model", "parts", List.of(Map.of("text", text))), "finishReason", "STOP")
                    : Map.of("content", Map.of("role", "model", "parts", List.of(Map.of("text", text))));
            return Map.of("candidates", List.of(candidate),
                    "usageMetadata", Map.of("promptTokenCount", 10, "candidatesTokenCount", 5, "totalTokenCount", 15));
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
            for (int i = 0; i < pieces.size(); i++) {
                boolean last = end && i == pieces.size() - 1;
                events.add("data: " + toJson(response(pieces.get(i), last)) + "\n\n");
            }
            return events;
        }

        @Override
        public FakeLlmServer.Reply error(int status, String message, String... headers) {
            return FakeLlmServer.json(status, toJson(Map.of("error", Map.of("code", status, "message", message,
                    "status", "TEST_ERROR"))), headers);
        }

        @Override
        public String systemText(JsonNode request) {
            return texts(request.get("systemInstruction").get("parts"));
        }

        @Override
        public String userText(JsonNode request) {
            return texts(userParts(request));
        }

        @Override
        public List<SentImage> images(JsonNode request) {
            List<SentImage> images = new ArrayList<>();
            for (JsonNode part : userParts(request)) {
                JsonNode inline = part.get("inlineData");
                if (inline != null) {
                    images.add(new SentImage(inline.get("mimeType").asText(), inline.get("data").asText()));
                }
            }
            return images;
        }

        private String texts(JsonNode parts) {
            List<String> texts = new ArrayList<>();
            for (JsonNode part : parts) {
                if (part.has("text")) {
                    texts.add(part.get("text").asText());
                }
            }
            return String.join("\n", texts);
        }

        private JsonNode userParts(JsonNode request) {
            for (JsonNode content : request.get("contents")) {
                if (content.get("role").asText().equals("user")) {
                    return content.get("parts");
                }
            }
            throw new AssertionError("no user content in " + request);
        }
    };

    @Override
    WireProtocol protocol() {
        return GEMINI;
    }

    @Override
    String keyIn(FakeLlmServer.Recorded request) {
        return request.header("x-goog-api-key");
    }

    @Test
    void keyTravelsInAHeaderNotInTheUrl() {
        server.enqueue(GEMINI.answer("ok"));

        provider().build().generate(StylePrompts.textAndPhoto());

        assertThat(server.lastRequest().path()).doesNotContain(KEY);
        assertThat(server.lastRequest().header("x-goog-api-key")).isEqualTo(KEY);
    }
}
