package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.json.JsonpUtils;
import co.elastic.clients.json.SimpleJsonpMapper;
import dev.mmrag.api.Metadata;
import dev.mmrag.api.StoreException;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.TestVectors;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The document layout of {@link Documents}: written with the JSON generator the client uses, parsed back with the
 * client's JSON parser as Elasticsearch would return the source, and read into the same vector and metadata.
 */
class DocumentsTest {

    private static final SimpleJsonpMapper MAPPER = new SimpleJsonpMapper();

    private static String write(VectorRecord record) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = MAPPER.jsonProvider().createGenerator(out)) {
            Documents.document(record).serialize(generator, MAPPER);
        }
        return out.toString();
    }

    /** @return the document as JSON values, to look at its layout */
    private static JsonObject writeAndParse(VectorRecord record) {
        return JsonpUtils.provider().createReader(new StringReader(write(record))).readObject();
    }

    /** @return a source as the store reads it from a response */
    private static Map<String, Object> read(String json) {
        try (JsonParser parser = MAPPER.jsonProvider().createParser(new StringReader(json))) {
            return Documents.SOURCE.deserialize(parser, MAPPER);
        }
    }

    @Test
    void aRecordReadsBackEqualWithWholeAndFloatingPointNumbersKeptApart() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("whole", 2L);
        metadata.put("floating", 2.0);
        metadata.put("exponent", 1.0e20);
        metadata.put("wholeDouble", 12_345_678.0); // written 1.2345678E7
        metadata.put("wholeDoubles", List.of(1.0e7, 123_456_789_012_345.0, 9.0e15, -12_345_678.0));
        metadata.put("max", Long.MAX_VALUE);
        metadata.put("flag", false);
        metadata.put("size.eu", 42L);
        metadata.put("list", List.of("a", 1L, 0.5, true));
        metadata.put("empty", List.of());
        metadata.put("text", "quote \" backslash \\ unicode é \uD83D\uDC52");
        float[] vector = {0.1f, -1.0e-5f, 3.4028235e38f, Float.MIN_VALUE, 0f, -0.33333334f};
        VectorRecord record = new VectorRecord("id", vector, metadata);

        Map<String, Object> source = read(write(record));

        assertThat(Documents.vectorOf("id", source)).containsExactly(vector);
        Map<String, Object> read = Documents.metadataOf("id", source);
        assertThat(read).isEqualTo(Metadata.copyOf(metadata));
        assertThat(read.get("whole")).isInstanceOf(Long.class);
        assertThat(read.get("floating")).isInstanceOf(Double.class);
        assertThat(read.get("exponent")).isInstanceOf(Double.class);
        assertThat(read.get("wholeDouble")).isInstanceOf(Double.class);
        assertThat((List<?>) read.get("wholeDoubles")).hasOnlyElementsOfType(Double.class);
    }

    /**
     * A filtered source (only some fields fetched) is printed anew by Elasticsearch, which writes every
     * floating-point number as Java prints a double, so a whole Double such as 12345678.0 arrives as 1.2345678E7.
     */
    @Test
    void numbersAsElasticsearchPrintsAFilteredSourceReadBackAsTheirTypes() {
        Map<String, Object> metadata = Documents.metadataOf("id", read("{\"metadata\":{\"double\":1.2345678E7,"
                + "\"long\":12345678,\"doubles\":[1.0E7,2.0,1.0E20,-0.0,1.0E-5],\"longs\":[9223372036854775807,"
                + "-9223372036854775808,0]}}"));

        assertThat(metadata).isEqualTo(Map.of("double", 12_345_678.0, "long", 12_345_678L,
                "doubles", List.of(1.0e7, 2.0, 1.0e20, 0.0, 1.0e-5),
                "longs", List.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L)));
    }

    @Test
    void aSourceMmragDidNotWriteIsAStoreExceptionNamingTheDocument() {
        assertThatThrownBy(() -> Documents.metadataOf("doc-7", read("{\"metadata\":{\"n\":123456789012345678901}}")))
                .isInstanceOf(StoreException.class).hasMessageContaining("doc-7").hasMessageContaining("'n'")
                .hasMessageContaining("123456789012345678901");
        assertThatThrownBy(() -> Documents.metadataOf("doc-7", read("{\"metadata\":{\"o\":{\"a\":1}}}")))
                .isInstanceOf(StoreException.class).hasMessageContaining("doc-7").hasMessageContaining("an object");
        assertThatThrownBy(() -> Documents.vectorOf("doc-7", read("{\"vector\":[1.0,\"x\"]}")))
                .isInstanceOf(StoreException.class).hasMessageContaining("doc-7").hasMessageContaining("vector");
    }

    @Test
    void valuesAreIndexedByTypeUnderFieldNamesWithoutDots() {
        Map<String, Object> metadata = Map.of("size.eu", List.of(42L, 42.5, "XL", true));
        JsonObject source = writeAndParse(new VectorRecord("id", new float[] {1}, metadata));

        String field = Documents.fieldName("size.eu");
        assertThat(field).doesNotContain(".");
        assertThat(source.getJsonObject(Documents.KEYS).getBoolean(field)).isTrue();
        assertThat(source.getJsonObject(Documents.STRINGS).getJsonArray(field).getString(0)).isEqualTo("XL");
        assertThat(source.getJsonObject(Documents.BOOLEANS).getJsonArray(field).getBoolean(0)).isTrue();
        assertThat(source.getJsonObject(Documents.LONGS).getJsonArray(field).getJsonNumber(0).longValueExact())
                .isEqualTo(42L);
        assertThat(source.getJsonObject(Documents.DOUBLES).getJsonArray(field).getJsonNumber(0).doubleValue())
                .isEqualTo(42.5);
        assertThat(source.getJsonObject(Documents.NUMBERS).getJsonArray(field).stream()
                .map(v -> ((jakarta.json.JsonNumber) v).doubleValue())).containsExactly(42.0, 42.5);
    }

    @Test
    void fieldNamesMapOneToOneToKeys() {
        for (String key : List.of("a", "a.b", "a..b", "_x.y-z", "9.9")) {
            assertThat(Documents.keyOf(Documents.fieldName(key))).isEqualTo(key);
            assertThat(Documents.fieldName(key)).doesNotContain(".");
        }
        assertThat(Documents.fieldName("a.b")).isNotEqualTo(Documents.fieldName("a_b"))
                .isNotEqualTo(Documents.fieldName("a-b"));
    }

    @Test
    void randomVectorsSurviveTheJsonRoundTripBitForBit() {
        for (float[] vector : TestVectors.uniform(50, 64, 3)) {
            Map<String, Object> source = read(write(VectorRecord.of("v", vector)));
            assertThat(Documents.vectorOf("v", source)).containsExactly(vector);
        }
    }
}
