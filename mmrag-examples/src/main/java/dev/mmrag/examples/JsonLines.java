package dev.mmrag.examples;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mmrag.api.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON Lines file (one JSON object per line, UTF-8; blank lines are skipped) strictly, and reports every
 * problem with the file name, the line number and, where there is one, the field.
 *
 * <p>Strict means that nothing on a line is silently dropped or changed: a second JSON value after the object
 * (two objects on one line, a trailing comma), a field that appears twice in an object, bytes that are not UTF-8,
 * comments, single quotes, {@code NaN} and other JSON extensions are errors. Numbers are read exactly (integers as
 * {@code long} or {@code BigInteger}, decimals as {@code BigDecimal}), so that a caller can refuse one that would
 * lose its value ({@link Line#number(String, JsonNode)}). A UTF-8 byte order mark at the start of the file is
 * accepted and skipped. The file must be a regular file (not a FIFO or a device, which could block or never end),
 * and no line may be longer than {@value #MAX_LINE_BYTES} bytes; the file is read as a stream, one line at a time.
 *
 * <p>The reader is Jackson (already used by the examples), configured with
 * {@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}, {@link DeserializationFeature#USE_BIG_DECIMAL_FOR_FLOATS}
 * and exact big decimals; Jackson's defaults already refuse comments, trailing commas inside objects and arrays,
 * single quotes, unquoted names and non-numeric numbers. Jackson stops at the end of the first value, so what
 * follows it on the line is checked here, by asking the same parser for another token. Gson was the other
 * candidate (it is on the ONNX module's classpath), but its {@code JsonObject} keeps the last of two equal keys
 * whatever its strictness, and it has no exact-decimal tree.
 *
 * <p>Thread-safety: stateless.
 */
final class JsonLines {

    /** The longest line accepted, in bytes: 16 MiB. */
    static final int MAX_LINE_BYTES = 16 << 20;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private JsonLines() {
    }

    /** One line of a JSON Lines file: its object and where it came from, for messages. */
    record Line(Path file, int number, JsonNode object) {

        /**
         * @param field a field name
         * @return the field's text
         * @throws InvalidInputException when the field is missing or not a non-blank string
         */
        String requiredText(String field) {
            JsonNode node = object.get(field);
            if (node == null || node.isNull()) {
                throw problem("field '" + field + "' is missing");
            }
            if (!node.isTextual() || node.asText().isBlank()) {
                throw problem("field '" + field + "' must be a non-blank string, got " + node);
            }
            return node.asText();
        }

        /**
         * A number of a field, without losing its value: an integer as a {@link Long}, a decimal as the
         * {@link Double} that prints as the same decimal value ({@code 19.99}, {@code 1e3}).
         *
         * @param field the field's name, for messages
         * @param node a numeric value of the field
         * @return the number
         * @throws InvalidInputException naming the line and field when the integer does not fit 64 bits or the
         *     decimal has no exact double (too many digits, too small such as {@code 1e-999}, too large)
         */
        Number number(String field, JsonNode node) {
            if (node.isIntegralNumber()) {
                if (!node.canConvertToLong()) {
                    throw problem("field '" + field + "' has the integer " + node.bigIntegerValue()
                            + ", which does not fit a 64-bit integer (-2^63 to 2^63 - 1)");
                }
                return node.longValue();
            }
            BigDecimal decimal = node.decimalValue();
            double value = decimal.doubleValue();
            if (Double.isInfinite(value) || new BigDecimal(Double.toString(value)).compareTo(decimal) != 0) {
                throw problem("field '" + field + "' has the number " + node.asText() + ", which a 64-bit "
                        + "floating-point number cannot hold exactly (it would become " + value + "); write at "
                        + "most 17 significant digits, within about 1e-307 to 1e308");
            }
            return value;
        }

        /**
         * @param message what is wrong
         * @return an exception naming the file and line
         */
        InvalidInputException problem(String message) {
            return new InvalidInputException(file + " line " + number + ": " + message);
        }
    }

    /**
     * @param file a JSON Lines file
     * @return its lines that are not blank, each a JSON object
     * @throws InvalidInputException when the file is missing, not a regular file, not UTF-8, or a line is not
     *     exactly one JSON object
     */
    static List<Line> read(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + reason(e), e);
        }
        if (!attributes.isRegularFile()) {
            throw new InvalidInputException(file + " is not a regular file (it is "
                    + (attributes.isDirectory() ? "a directory" : "a FIFO, device or socket") + ")");
        }
        List<Line> lines = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int number = 0;
            boolean more = true;
            while (more) {
                bytes.reset();
                more = readLine(in, bytes, file, number + 1);
                number++;
                if (!more && bytes.size() == 0) {
                    break;
                }
                String text = decode(bytes.toByteArray(), file, number);
                if (number == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (!text.isBlank()) {
                    lines.add(new Line(file, number, parse(text, file, number)));
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + reason(e), e);
        }
        return lines;
    }

    /** Reads up to a newline (not kept, nor a carriage return before it); returns whether one was found. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line, Path file, int number)
            throws IOException {
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return true;
            }
            if (line.size() >= MAX_LINE_BYTES) {
                throw new InvalidInputException(file + " line " + number + ": longer than the limit of "
                        + MAX_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
        return false;
    }

    private static String decode(byte[] bytes, Path file, int number) {
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        try {
            return decoder.decode(buffer).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(file + " line " + number + ": not valid UTF-8 (at byte "
                    + (firstInvalid(bytes, length) + 1) + " of the line); the file must be UTF-8 text", e);
        }
    }

    /** @return the offset of the first byte where a strict UTF-8 decoding of the line fails */
    private static int firstInvalid(byte[] bytes, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(length + 1);
        decoder.decode(in, out, true);
        return in.position();
    }

    private static JsonNode parse(String text, Path file, int number) {
        JsonNode node;
        try (JsonParser parser = MAPPER.createParser(text)) {
            node = MAPPER.readTree(parser);
            if (node == null) {
                throw new InvalidInputException(file + " line " + number + ": expected a JSON object");
            }
            long column = parser.currentLocation().getCharOffset() + 1;
            JsonToken next;
            try {
                next = parser.nextToken();
            } catch (JsonProcessingException e) {
                throw new InvalidInputException(file + " line " + number + ": unexpected text after the JSON object "
                        + "(at column " + column + "); a line holds exactly one object", e);
            }
            if (next != null) {
                throw new InvalidInputException(file + " line " + number + ": a second JSON value after the object "
                        + "(at column " + (parser.currentTokenLocation().getCharOffset() + 1) + "); a line holds exactly one "
                        + "object");
            }
        } catch (JsonProcessingException e) {
            int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            throw new InvalidInputException(file + " line " + number + ": not valid JSON ("
                    + e.getOriginalMessage() + (column > 0 ? " at column " + column : "") + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(file + " line " + number + ": cannot be parsed: " + e.getMessage(), e);
        }
        if (!node.isObject()) {
            throw new InvalidInputException(file + " line " + number + ": expected a JSON object, got "
                    + abbreviate(node.toString()));
        }
        return node;
    }

    /**
     * @param e an I/O failure
     * @return why it failed, without the file name that the message gives already (a file system exception's
     *     message is the file name)
     */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException) {
            java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) e;
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
