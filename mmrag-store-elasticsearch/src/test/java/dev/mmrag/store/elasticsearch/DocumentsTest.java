package dev.mmrag.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.json.JsonpUtils;
import co.elastic.clients.json.SimpleJsonpMapper;
import dev.mmrag.api.Metadata;
import dev.mmrag.api.VectorRecord;
import dev.mmrag.test.TestVectors;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The document layout of {@link Documents}: written with the JSON generator the client uses, parsed back as
 * Elasticsearch would return the source, and read into the same vector and metadata.
 */
class DocumentsTest {

    private static JsonObject writeAndParse(VectorRecord record) {
        SimpleJsonpMapper mapper = new SimpleJsonpMapper();
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = mapper.jsonProvider().createGenerator(out)) {
            Documents.document(record).serialize(generator, mapper);
        }
        return JsonpUtils.provider().createReader(new StringReader(out.toString())).readObject();
    }

    @Test
    void aRecordReadsBackEqualWithWholeAndFloatingPointNumbersKeptApart() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("whole", 2L);
        metadata.put("floating", 2.0);
        metadata.put("exponent", 1.0e20);
        metadata.put("max", Long.MAX_VALUE);
        metadata.put("flag", false);
        metadata.put("size.eu", 42L);
        metadata.put("list", List.of("a", 1L, 0.5, true));
        metadata.put("empty", List.of());
        metadata.put("text", "quote \" backslash \\ unicode é \uD83D\uDC52");
        float[] vector = {0.1f, -1.0e-5f, 3.4028235e38f, Float.MIN_VALUE, 0f, -0.33333334f};
        VectorRecord record = new VectorRecord("id", vector, metadata);

        JsonObject source = writeAndParse(record);

        assertThat(Documents.vectorOf("id", source)).containsExactly(vector);
        Map<String, Object> read = Documents.metadataOf("id", source);
        assertThat(read).isEqualTo(Metadata.copyOf(metadata));
        assertThat(read.get("whole")).isInstanceOf(Long.class);
        assertThat(read.get("floating")).isInstanceOf(Double.class);
        assertThat(read.get("exponent")).isInstanceOf(Double.class);
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
            JsonObject source = writeAndParse(VectorRecord.of("v", vector));
            assertThat(Documents.vectorOf("v", source)).containsExactly(vector);
        }
    }
}
