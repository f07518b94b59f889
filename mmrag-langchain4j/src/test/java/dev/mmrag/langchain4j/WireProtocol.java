package dev.mmrag.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How one provider's chat API looks on the wire, so that {@link ChatProtocolContract} can script a
 * {@link FakeLlmServer} and read the requests it recorded, whatever the provider.
 */
interface WireProtocol {

    /** @return the provider */
    LlmProvider provider();

    /** @return the base URL to give the generator for this server */
    String baseUrl(FakeLlmServer server);

    /** @return whether a recorded request path is this provider's chat endpoint (streaming or not) */
    boolean isChatPath(String path, boolean streaming);

    /** @return a successful, non-streamed answer with this text */
    FakeLlmServer.Reply answer(String text);

    /** @return a successful streamed answer made of these pieces, and its end */
    FakeLlmServer.Reply stream(List<String> pieces);

    /** @return a stream that sends these pieces, then goes silent without ending */
    FakeLlmServer.Reply streamThenHang(List<String> pieces);

    /** @return an error answer in the provider's format */
    FakeLlmServer.Reply error(int status, String message, String... headers);

    /** @return the system instructions of a recorded request */
    String systemText(JsonNode request);

    /** @return the text parts of the user message of a recorded request, in order, joined by new lines */
    String userText(JsonNode request);

    /** @return the images of the user message, as (media type or null, base64 data), in order */
    List<SentImage> images(JsonNode request);

    /** An image as a request carried it. */
    record SentImage(String mediaType, String base64) {
    }

    /** Writes a value as JSON, for building bodies. */
    static String toJson(Object value) {
        try {
            return StylePrompts.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
