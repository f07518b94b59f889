package dev.mmrag.examples.web;

import dev.mmrag.api.Filter;
import dev.mmrag.api.ImageContent;
import dev.mmrag.api.InvalidInputException;
import dev.mmrag.api.Query;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A search as a request asks for it: the photo (multipart field {@code photo}), the words ({@code text}), how many
 * products ({@code k}), whether to write an answer ({@code answer}, default true) and a filter from simple
 * parameters: {@code filter.KEY=value} (a string; repeated, any of the values), {@code min.KEY=n} and
 * {@code max.KEY=n} (inclusive numeric bounds). Fields may be form fields or query parameters; a form field wins.
 * Every mistake is a {@link WebError} with a 4xx status and a message for the user.
 *
 * <p>Thread-safety: immutable.
 *
 * @param query the query to run
 * @param answer whether to generate an answer
 */
record SearchForm(Query query, boolean answer) {

    private static final int MULTIPART_OVERHEAD_BYTES = 64 * 1024;

    /**
     * @param ctx the request
     * @param options the server's limits
     * @param uploadCheck checks the photo
     * @return the search
     * @throws WebError when the request is malformed, too large, or the photo is refused
     */
    static SearchForm read(Context ctx, ServerOptions options, UploadCheck uploadCheck) {
        long length = ctx.contentLength();
        if (length > options.maxUploadBytes() + MULTIPART_OVERHEAD_BYTES) {
            throw new WebError(413, "The upload is " + StyleFinderServer.megabytes(length) + "; the limit is "
                    + StyleFinderServer.megabytes(options.maxUploadBytes()) + ".");
        }
        ImageContent photo = null;
        Map<String, List<String>> fields = new LinkedHashMap<>(ctx.queryParamMap());
        try {
            if (ctx.isMultipartFormData()) {
                UploadedFile file = ctx.uploadedFile("photo");
                if (file != null && (file.size() > 0 || (file.filename() != null && !file.filename().isEmpty()))) {
                    photo = uploadCheck.check(readPart(file, options.maxUploadBytes()));
                }
            }
            if (!ctx.method().name().equals("GET")) {
                fields.putAll(ctx.formParamMap());
            }
        } catch (WebError e) {
            throw e;
        } catch (RuntimeException e) {
            throw multipartProblem(e, options);
        } finally {
            if (ctx.isMultipartFormData()) {
                deleteBufferedParts(ctx);
            }
        }
        String text = single(fields, "text");
        if (text != null) {
            text = text.strip();
            if (text.isEmpty()) {
                text = null;
            } else if (text.length() > options.maxTextChars()) {
                throw new WebError(400, "The text is " + text.length() + " characters long; the limit is "
                        + options.maxTextChars() + ".");
            }
        }
        if (text == null && photo == null) {
            throw new WebError(400, "Add a photo or some words to search for.");
        }
        int k = k(single(fields, "k"), options);
        String answerField = single(fields, "answer");
        if (answerField != null && !answerField.equals("true") && !answerField.equals("false")) {
            throw new WebError(400, "answer must be true or false, got '" + clip(answerField) + "'.");
        }
        try {
            Query.Builder query = Query.builder().text(text).topK(k).filter(filter(fields));
            if (photo != null) {
                query.image(photo);
            }
            return new SearchForm(query.build(), !"false".equals(answerField));
        } catch (InvalidInputException e) {
            throw new WebError(400, "The filter is not valid: " + e.getMessage());
        }
    }

    /**
     * Deletes the parts Jetty buffered in the upload folder as soon as they are read, before the answer is sent
     * (Jetty itself deletes them only once the request has completed, after the client has its answer).
     */
    private static void deleteBufferedParts(Context ctx) {
        try {
            for (jakarta.servlet.http.Part part : ctx.req().getParts()) {
                part.delete();
            }
        } catch (IOException | jakarta.servlet.ServletException | RuntimeException e) {
            // the parts could not be listed again: Jetty still deletes them when the request completes
        }
    }

    private static byte[] readPart(UploadedFile file, long maxBytes) {
        try (InputStream in = file.content()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new WebError(413, "The photo is larger than the limit of " + StyleFinderServer.megabytes(maxBytes)
                        + ".");
            }
            return bytes;
        } catch (IOException e) {
            throw new WebError(400, "The upload was cut short.");
        }
    }

    private static WebError multipartProblem(RuntimeException e, ServerOptions options) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (message.contains("exceeds") || message.contains("too large")) {
                return new WebError(413, "The upload is larger than the limit of "
                        + StyleFinderServer.megabytes(options.maxUploadBytes()) + ".");
            }
        }
        return new WebError(400, "The upload could not be read as a form (multipart/form-data with a 'photo' file "
                + "and/or a 'text' field was expected).");
    }

    private static int k(String value, ServerOptions options) {
        if (value == null || value.isBlank()) {
            return Math.min(StyleFinderServer.DEFAULT_K, options.maxK());
        }
        try {
            int k = Integer.parseInt(value.strip());
            if (k >= 1 && k <= options.maxK()) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new WebError(400, "k must be a whole number from 1 to " + options.maxK() + ", got '" + clip(value) + "'.");
    }

    private static Filter filter(Map<String, List<String>> fields) {
        List<Filter> parts = new ArrayList<>();
        Map<String, List<String>> sorted = new TreeMap<>(fields);
        for (Map.Entry<String, List<String>> field : sorted.entrySet()) {
            String name = field.getKey();
            List<String> values = field.getValue().stream().filter(v -> !v.isBlank()).map(String::strip).toList();
            if (values.isEmpty()) {
                continue;
            }
            if (name.startsWith("filter.")) {
                String key = key(name, "filter.");
                parts.add(values.size() == 1 ? Filter.eq(key, values.get(0)) : Filter.in(key, values));
            } else if (name.startsWith("min.") || name.startsWith("max.")) {
                boolean min = name.startsWith("min.");
                String key = key(name, min ? "min." : "max.");
                if (values.size() > 1) {
                    throw new WebError(400, name + " is given " + values.size() + " times; give it once.");
                }
                double bound = number(name, values.get(0));
                parts.add(min ? Filter.gte(key, bound) : Filter.lte(key, bound));
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        return parts.size() == 1 ? parts.get(0) : Filter.and(parts.toArray(new Filter[0]));
    }

    private static String key(String name, String prefix) {
        String key = name.substring(prefix.length());
        if (key.isEmpty() || key.startsWith("mmrag_")) {
            throw new WebError(400, "'" + clip(name) + "' does not name a product field to filter on.");
        }
        return key;
    }

    private static double number(String name, String value) {
        try {
            double number = Double.parseDouble(value);
            if (Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new WebError(400, name + " must be a number, got '" + clip(value) + "'.");
    }

    private static String single(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new WebError(400, name + " is given " + values.size() + " times; give it once.");
        }
        return values.get(0);
    }

    private static String clip(String value) {
        return StyleFinderServer.printable(value.length() > 40 ? value.substring(0, 40) + "..." : value);
    }
}
