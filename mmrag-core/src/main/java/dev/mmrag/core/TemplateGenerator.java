package dev.mmrag.core;

import dev.mmrag.api.Answer;
import dev.mmrag.api.Generator;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Moment;
import dev.mmrag.api.Prompt;
import dev.mmrag.api.Query;
import dev.mmrag.api.Retrieved;
import java.math.BigDecimal;
import java.util.ArrayList;
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
 * both). A {@code price} value is shown with two decimals; other numbers as they are. Templates are parsed
 * once, when the generator is made, so a malformed one fails then and never at an answer.
 *
 * <p>Under a video hit's line come its moments, best first, one a line:
 * {@code     seen in lookbook.mp4 at 0:12-0:17 (score 0.81)}, or for a spoken moment (a passage of the sound track
 * or of an audio item) {@code     heard in lookbook.mp4 at 0:42: 'the red striped t-shirt' (score 0.79)}.
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

    private final String itemTemplate;
    private final List<Part> header;
    private final List<Part> item;
    private final List<Part> empty;

    private TemplateGenerator(String header, String item, String empty) {
        // Parsed once, here, so that a malformed template fails at construction, not at the first answer.
        this.header = parse("header", requireTemplate("header", header));
        this.item = parse("item", requireTemplate("item", item));
        this.empty = parse("empty", requireTemplate("empty", empty));
        this.itemTemplate = item;
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
     * @throws InvalidInputException when a template is null or malformed: an unclosed '{' or an unclosed
     *     '{?' section anywhere in it, nested sections included, whatever values it would be given
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
            for (Moment moment : sources.get(i).moments()) {
                text.append(moment.isSpoken() ? "\n    heard in " : "\n    seen in ")
                        .append(Moments.describe(sources.get(i), moment));
            }
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
     * Renders parsed template parts.
     *
     * @param parts the parts, from {@link #parse}
     * @param values the values of the placeholders
     * @return the text
     */
    private static String render(List<Part> parts, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal) {
                out.append(((Literal) part).text());
            } else if (part instanceof Placeholder) {
                String value = lookup((Placeholder) part, values);
                out.append(value == null ? "" : value);
            } else {
                String rendered = renderSection((Section) part, values);
                if (rendered != null) {
                    out.append(rendered);
                }
            }
        }
        return out.toString();
    }

    /** Renders an optional section, or returns null when one of its own placeholders is missing. */
    private static String renderSection(Section section, Map<String, String> values) {
        for (Part part : section.parts()) {
            if (part instanceof Placeholder && lookup((Placeholder) part, values) == null) {
                return null;
            }
        }
        return render(section.parts(), values);
    }

    private static String lookup(Placeholder placeholder, Map<String, String> values) {
        for (String key : placeholder.keys()) {
            String value = values.get(key);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    /**
     * Parses a whole template, nested sections included, so that a malformed one fails at construction
     * whatever values it would later be given.
     *
     * @param name which template, for the message
     * @param template the template
     * @return its parts
     * @throws InvalidInputException naming the template and the position of an unclosed brace or section
     */
    private static List<Part> parse(String name, String template) {
        return parse(name, template, 0, template.length());
    }

    /** Parses {@code template[from, to)}; positions in messages are positions in the whole template. */
    private static List<Part> parse(String name, String template, int from, int to) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = from;
        while (i < to) {
            if (template.startsWith("{?", i) && i + 1 < to) {
                int end = closingOfNested(name, template, i, to);
                flush(literal, parts);
                parts.add(new Section(parse(name, template, i + 2, end)));
                i = end + 2;
            } else if (template.charAt(i) == '{') {
                int end = template.indexOf('}', i);
                if (end < 0 || end >= to) {
                    throw new InvalidInputException(name + " template has an unclosed '{' at " + i + ": " + template);
                }
                flush(literal, parts);
                parts.add(new Placeholder(keysOf(template.substring(i + 1, end))));
                i = end + 1;
            } else {
                literal.append(template.charAt(i++));
            }
        }
        flush(literal, parts);
        return List.copyOf(parts);
    }

    /** The position of the {@code ?}} that closes the section opened at {@code start}, before {@code to}. */
    private static int closingOfNested(String name, String template, int start, int to) {
        int depth = 0;
        int i = start;
        while (i + 1 < to) {
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
        throw new InvalidInputException(name + " template has an unclosed optional section at " + start + ": "
                + template);
    }

    private static List<String> keysOf(String placeholder) {
        List<String> keys = new ArrayList<>();
        for (String key : placeholder.split("\\|")) {
            keys.add(key.strip());
        }
        return List.copyOf(keys);
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    private static String requireTemplate(String name, String template) {
        if (template == null) {
            throw new InvalidInputException(name + " template must not be null");
        }
        return template;
    }

    @Override
    public String toString() {
        return "TemplateGenerator[item=" + itemTemplate + "]";
    }

    /** A piece of a parsed template. */
    private sealed interface Part permits Literal, Placeholder, Section {
    }

    /** Text copied as it is. */
    private record Literal(String text) implements Part {
    }

    /** {@code {a|b}}: the value of the first key that has a non-empty one. */
    private record Placeholder(List<String> keys) implements Part {
    }

    /** {@code {? ... ?}}: left out when one of its own placeholders (not those of nested sections) is missing. */
    private record Section(List<Part> parts) implements Part {
    }
}
