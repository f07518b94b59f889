package dev.mmrag.core;

import dev.mmrag.api.Answer;
import dev.mmrag.api.Generator;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The offline {@link Generator}: writes the answer from the retrieved items and their metadata with text
 * templates, without any language model. The same prompt always gives the same answer. The examples use it
 * when no language model is configured, and the LangChain4j back end falls back to it.
 *
 * <p>Templates replace {@code {key}} with the value of a metadata key of the item, or with one of
 * {@code {rank}} (1, 2, ...), {@code {id}} and {@code {score}} (three decimals). {@code {a|b}} takes the first of
 * the keys that is present. A section written {@code {? ... ?}} is left out when any placeholder in it is
 * missing, so optional fields leave no dangling separators. In the header and the empty text,
 * {@code {count}} is the number of items and {@code {question}} the query (its quoted text, "your photo", or
 * both). A {@code price} value is shown with two decimals; other numbers as they are.
 *
 * <p>Defaults: header {@value #DEFAULT_HEADER}; item {@value #DEFAULT_ITEM}; empty {@value #DEFAULT_EMPTY}.
 *
 * <p>Thread-safety: immutable.
 */
public final class TemplateGenerator implements Generator {

    /** The name answers carry in {@link Answer#generator()}. */
    public static final String NAME = "template";
    /** The default header line. */
    public static final String DEFAULT_HEADER = "Best matches for {question}:";
    /** The default line per item. */
    public static final String DEFAULT_ITEM =
            "[{rank}] {name|title|id}{? by {brand}?}{? - {price}{? {currency}?}?}{? - {url|link}?} (score {score})";
    /** The default answer when nothing was retrieved. */
    public static final String DEFAULT_EMPTY = "Sorry, nothing matches {question}.";

    private final String header;
    private final String item;
    private final String empty;

    private TemplateGenerator(String header, String item, String empty) {
        this.header = requireTemplate("header", header);
        this.item = requireTemplate("item", item);
        this.empty = requireTemplate("empty", empty);
        // Fail at construction, not at the first answer, when a template is malformed.
        render(this.header, Map.of());
        render(this.item, Map.of());
        render(this.empty, Map.of());
    }

    /** @return a generator with the default templates */
    public static TemplateGenerator create() {
        return new TemplateGenerator(DEFAULT_HEADER, DEFAULT_ITEM, DEFAULT_EMPTY);
    }

    /**
     * @param header the header line template
     * @param item the template of each item's line
     * @param empty the answer when nothing was retrieved
     * @return a generator with these templates
     */
    public static TemplateGenerator of(String header, String item, String empty) {
        return new TemplateGenerator(header, item, empty);
    }

    @Override
    public Answer generate(Prompt prompt) {
        if (prompt == null) {
            throw new InvalidInputException("prompt must not be null");
        }
        List<Retrieved> sources = prompt.sources();
        Map<String, String> global = new HashMap<>();
        global.put("count", String.valueOf(sources.size()));
        global.put("question", describe(prompt.query()));
        if (sources.isEmpty()) {
            return Answer.of(render(empty, global), sources, NAME);
        }
        StringBuilder text = new StringBuilder(render(header, global));
        for (int i = 0; i < sources.size(); i++) {
            text.append('\n').append(render(item, valuesOf(sources.get(i), i + 1)));
        }
        return Answer.of(text.toString(), sources, NAME);
    }

    private static Map<String, String> valuesOf(Retrieved item, int rank) {
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, Object> entry : item.metadata().entrySet()) {
            values.put(entry.getKey(), format(entry.getKey(), entry.getValue()));
        }
        values.put("rank", String.valueOf(rank));
        values.put("id", item.id());
        values.put("score", String.format(Locale.ROOT, "%.3f", item.score()));
        return values;
    }

    private static String format(String key, Object value) {
        if (value instanceof Number && key.equals("price")) {
            return String.format(Locale.ROOT, "%.2f", ((Number) value).doubleValue());
        }
        if (value instanceof Double) {
            return BigDecimal.valueOf((Double) value).stripTrailingZeros().toPlainString();
        }
        if (value instanceof List) {
            StringBuilder s = new StringBuilder();
            for (Object element : (List<?>) value) {
                s.append(s.length() == 0 ? "" : ", ").append(format(key, element));
            }
            return s.toString();
        }
        return String.valueOf(value);
    }

    private static String describe(Query query) {
        if (query.text() != null && query.image() != null) {
            return "\"" + query.text() + "\" and your photo";
        }
        return query.text() != null ? "\"" + query.text() + "\"" : "your photo";
    }

    /**
     * Renders a template.
     *
     * @param template the template
     * @param values the values of the placeholders
     * @return the text
     * @throws InvalidInputException when the template is malformed (an unclosed brace or section)
     */
    static String render(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            if (template.startsWith("{?", i)) {
                int end = closingOfNested(template, i);
                String section = template.substring(i + 2, end);
                String rendered = renderSection(section, values);
                if (rendered != null) {
                    out.append(rendered);
                }
                i = end + 2;
            } else if (template.charAt(i) == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new InvalidInputException("template has an unclosed '{' at " + i + ": " + template);
                }
                String value = lookup(template.substring(i + 1, end), values);
                out.append(value == null ? "" : value);
                i = end + 1;
            } else {
                out.append(template.charAt(i++));
            }
        }
        return out.toString();
    }

    private static int closingOfNested(String template, int start) {
        int depth = 0;
        int i = start;
        while (i < template.length()) {
            if (template.startsWith("{?", i)) {
                depth++;
                i += 2;
            } else if (template.startsWith("?}", i)) {
                depth--;
                if (depth == 0) {
                    return i;
                }
                i += 2;
            } else {
                i++;
            }
        }
        throw new InvalidInputException("template has an unclosed optional section at " + start + ": " + template);
    }

    /** Renders an optional section, or returns null when one of its own placeholders is missing. */
    private static String renderSection(String section, Map<String, String> values) {
        int i = 0;
        while (i < section.length()) {
            if (section.startsWith("{?", i)) {
                i = closingOfNested(section, i) + 2;
            } else if (section.charAt(i) == '{') {
                int end = section.indexOf('}', i);
                if (end < 0) {
                    throw new InvalidInputException("template section has an unclosed '{': " + section);
                }
                if (lookup(section.substring(i + 1, end), values) == null) {
                    return null;
                }
                i = end + 1;
            } else {
                i++;
            }
        }
        return render(section, values);
    }

    private static String lookup(String placeholder, Map<String, String> values) {
        for (String key : placeholder.split("\\|")) {
            String value = values.get(key.strip());
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    private static String requireTemplate(String name, String template) {
        if (template == null) {
            throw new InvalidInputException(name + " template must not be null");
        }
        return template;
    }

    @Override
    public String toString() {
        return "TemplateGenerator[item=" + item + "]";
    }
}
