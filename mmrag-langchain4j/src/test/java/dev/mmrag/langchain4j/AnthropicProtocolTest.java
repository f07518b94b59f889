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
 * The Anthropic back end against a fake server that speaks Anthropic's messages protocol ({@code POST
 * /v1/messages}, the key in {@code x-api-key}, images as base64 {@code image} blocks, named server-sent events
 * when streaming). No language model runs here; see {@link ChatProtocolContract} for what is tested.
 */
class AnthropicProtocolTest extends KeyedChatProtocolContract {

    static final WireProtocol ANTHROPIC = new WireProtocol() {
        @Override
        public LlmProvider provider() {
            return LlmProvider.ANTHROPIC;
        }

        @Override
        public String baseUrl(FakeLlmServer server) {
            return server.url() + "/v1/";
        }

        @Override
        public boolean isChatPath(String path, boolean streaming) {
            return path.equals("/v1/messages");
        }

        @Override
        public FakeLlmServer.Reply answer(String text) {
            Map<String, Object> message = message();
            message.put("content", List.of(Map.of("type", "text", "text", text)));
            message.put("stop_reason", "end_turn");
            return FakeLlmServer.json(200, toJson(message));
        }

        private Map<String, Object> message() {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", "msg_1");
            message.put("type", "message");
            message.put("role", "assistant");
            message.put("model", ChatProtocolContract.MODEL);
            message.put("usage", Map.of("input_tokens", 10, "output_tokens", 5));
            return message;
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
            Map<String, Object> start = message();
            start.put("content", List.of());
            events.add(event("message_start", Map.of("type", "message_start", "message", start)));
            events.add(event("content_block_start", Map.of("type", "content_block_start", "index", 0,
                    "content_block", Map.of("type", "text", "text", ""))));
            for (String piece : pieces) {
                events.add(event("content_block_delta", Map.of("type", "content_block_delta", "index", 0,
                        "delta", Map.of("type", "text_delta", "text", piece))));
            }
            if (end) {
                events.add(event("content_block_stop", Map.of("type", "content_block_stop", "index", 0)));
                events.add(event("message_delta", Map.of("type", "message_delta",
                        "delta", Map.of("stop_reason", "end_turn"), "usage", Map.of("output_tokens", 5))));
                events.add(event("message_stop", Map.of("type", "message_stop")));
            }
            return events;
        }

        private String event(String name, Object data) {
            return "event: " + name + "\ndata: " + toJson(data) + "\n\n";
        }

        @Override
        public FakeLlmServer.Reply error(int status, String message, String... headers) {
            return FakeLlmServer.json(status, toJson(Map.of("type", "error",
                    "error", Map.of("type", "test_error", "message", message))), headers);
        }

        @Override
        public String systemText(JsonNode request) {
            List<String> texts = new ArrayList<>();
            for (JsonNode block : request.get("system")) {
                texts.add(block.get("text").asText());
            }
            return String.join("\n", texts);
        }

        @Override
        public String userText(JsonNode request) {
            List<String> texts = new ArrayList<>();
            for (JsonNode block : userContent(request)) {
                if (block.get("type").asText().equals("text")) {
                    texts.add(block.get("text").asText());
                }
            }
            return String.join("\n", texts);
        }

        @Override
        public List<SentImage> images(JsonNode request) {
            List<SentImage> images = new ArrayList<>();
            for (JsonNode block : userContent(request)) {
                if (block.get("type").asText().equals("image")) {
                    JsonNode source = block.get("source");
                    assertThat(source.get("type").asText()).isEqualTo("base64");
                    images.add(new SentImage(source.get("media_type").asText(), source.get("data").asText()));
                }
            }
            return images;
        }

        private JsonNode userContent(JsonNode request) {
            for (JsonNode message : request.get("messages")) {
                if (message.get("role").asText().equals("user")) {
                    return message.get("content");
                }
            }
            throw new AssertionError("no user message in " + request);
        }
    };

    @Override
    WireProtocol protocol() {
        return ANTHROPIC;
    }

    @Override
    String keyIn(FakeLlmServer.Recorded request) {
        return request.header("x-api-key");
    }

    @Test
    void requestNamesTheApiVersionAndTheModel() {
        server.enqueue(ANTHROPIC.answer("ok"));

        provider().build().generate(StylePrompts.textAndPhoto());

        assertThat(server.lastRequest().header("anthropic-version")).isNotBlank();
        assertThat(json(server.lastRequest().body()).get("model").asText()).isEqualTo(MODEL);
    }
}
